import { Resvg } from '@resvg/resvg-js';

export interface PngOptions {
  /** Output width in px; default the SVG's own width times `scale`. */
  readonly width?: number;
  /** Scale factor when no width is given (default 1.5: crisp on high-density screens, still small). */
  readonly scale?: number;
  /** Background colour (default white: vega SVGs are transparent, which looks broken in image viewers). */
  readonly background?: string;
}

/** Width attribute of the root `<svg>` element, if it has a plain number. */
function svgWidth(svg: string): number | undefined {
  const m = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  return m ? Number(m[1]) : undefined;
}

/**
 * Renders an SVG string (e.g. from reports/vega/render.ts `renderSvg`) to PNG bytes with resvg, with the
 * system fonts loaded. Generic families fall back to DejaVu Sans, which Debian always has, so text is
 * never drawn in a missing font's serif substitute.
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const base = svgWidth(svg);
  const width = opts.width ?? (base === undefined ? undefined : Math.round(base * (opts.scale ?? 1.5)));
  const resvg = new Resvg(svg, {
    background: opts.background ?? 'white',
    ...(width === undefined ? {} : { fitTo: { mode: 'width' as const, value: width } }),
    font: {
      loadSystemFonts: true,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Serif',
      monospaceFamily: 'DejaVu Sans Mono',
    },
  });
  return resvg.render().asPng();
}
