/**
 * Tooltips for static SVG: vega writes each data mark's description (vega-lite derives it from the
 * encoding and the `tooltip` channel) as an `aria-label`; a `<title>` child with the same text is what
 * a browser shows on hover, with no script. Only self-closing mark elements get one (paths, rects,
 * symbols); axes, legends and text keep theirs as labels only.
 */
export function withSvgTooltips(svg: string): string {
  return svg.replace(
    /<(path|rect|circle|line|image)\b([^>]*?)\saria-label="([^"]*)"([^>]*?)\/>/g,
    (whole, tag: string, before: string, label: string, after: string) => {
      if (!/role="graphics-symbol"/.test(before + after)) return whole;
      return `<${tag}${before} aria-label="${label}"${after}><title>${label}</title></${tag}>`;
    },
  );
}
