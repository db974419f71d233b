import { escapeHtml } from '../html/escape.ts';
import { renderSvg } from '../vega/render.ts';
import { withSvgTooltips } from '../vega/tooltips.ts';
import { type Block, type Cell, type ChartBlock, type RunReport, reportCharts } from './model.ts';

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#59636e;font-size:13px;margin:0 0 16px}.meta code{font-size:12px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 12px}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa;font-weight:600}td:first-child,th:first-child{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.neg{color:#d1242f}.pos{color:#1a7f37}figure{margin:8px 0}svg{max-width:100%;height:auto}
.note{color:#59636e;font-size:12px}a{color:#0969da}
`;

function cellHtml(c: Cell, tag: 'td' | 'th'): string {
  if (typeof c === 'string') return `<${tag}>${escapeHtml(c)}</${tag}>`;
  const text = escapeHtml(c.text);
  const inner = c.href ? `<a href="${escapeHtml(c.href)}">${text}</a>` : text;
  return `<${tag}${c.tone ? ` class="${c.tone}"` : ''}>${inner}</${tag}>`;
}

function blockHtml(b: Block, svgs: ReadonlyMap<ChartBlock, string>): string {
  switch (b.type) {
    case 'chart':
      return `<figure class="chart" id="${escapeHtml(b.id)}">${svgs.get(b) ?? ''}</figure>`;
    case 'note':
      return `<p class="note">${escapeHtml(b.text)}</p>`;
    case 'row':
      return `<div class="row">${b.blocks.map((x) => blockHtml(x, svgs)).join('')}</div>`;
    case 'table': {
      const head = b.header
        ? `<thead><tr>${b.header.map((h) => cellHtml(h, 'th')).join('')}</tr></thead>`
        : '';
      const body = b.rows.map((r) => `<tr>${r.map((c) => cellHtml(c, 'td')).join('')}</tr>`).join('\n');
      const tail = b.note ? `<p class="note">${escapeHtml(b.note)}</p>` : '';
      return `<div><table>${head}<tbody>${body}</tbody></table>${tail}</div>`;
    }
  }
}

/** Every chart of the report as SVG (rendered concurrently), with hover tooltips. */
export async function renderReportSvgs(report: RunReport): Promise<Map<ChartBlock, string>> {
  const charts = reportCharts(report);
  const svgs = await Promise.all(charts.map(async (c) => withSvgTooltips(await renderSvg(c.spec))));
  return new Map(charts.map((c, i) => [c, svgs[i]]));
}

/**
 * The report as one self-contained HTML page: inline CSS, charts pre-rendered to inline SVG (hover
 * titles as tooltips), no script and no external reference, so it opens offline.
 */
export async function renderReportHtml(report: RunReport): Promise<string> {
  const svgs = await renderReportSvgs(report);
  const sections = report.sections
    .map((s) => `<h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map((b) => blockHtml(b, svgs)).join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(report.title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">${report.meta.map(escapeHtml).join('<br>')}</p>
${sections}
</body></html>
`;
}
