/*
 * The report.html of sweep, walk-forward and compare run directories: a self-contained page with the
 * summary and a table (the richer per-kind reports come from issue 8's report builders).
 */

// Kept apart from ./escape.ts: these reports escape quotes but not apostrophes, and their bytes must not
// change under existing run directories.
function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A table cell: integers as is, other numbers to 4 significant digits, null/undefined as an em dash. */
export function fmtCell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A minimal self-contained report: a summary (key → value) and a table. */
export function minimalReport(
  title: string,
  summary: Record<string, unknown>,
  header: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): string {
  const sum = Object.entries(summary)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(fmtCell(v))}</td></tr>`)
    .join('');
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(fmtCell(c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;font-size:13px}th{background:#f4f4f4}</style></head><body><h1>${escapeHtml(title)}</h1><table>${sum}</table><table><tr>${head}</tr>\n${body}</table></body></html>\n`;
}
