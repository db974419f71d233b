import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { svgToPng } from '../render/png.ts';
import type { Block, Cell, ChartBlock, RunReport } from './model.ts';
import { renderReportHtml, renderReportSvgs } from './render-html.ts';

/** Output formats of `smc report`. */
export const REPORT_FORMATS = ['html', 'md', 'png', 'json'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report's summary as JSON text. */
export function renderReportJson(report: RunReport): string {
  return `${JSON.stringify({ kind: report.kind, title: report.title, ...report.summary }, null, 2)}\n`;
}

/** One PNG per chart into `dir` (created), named `<prefix><chart id>.png`; returns chart → file name. */
export async function writeReportPngs(
  report: RunReport,
  dir: string,
  prefix = '',
): Promise<Map<ChartBlock, string>> {
  mkdirSync(dir, { recursive: true });
  const svgs = await renderReportSvgs(report);
  const names = new Map<ChartBlock, string>();
  for (const [c, svg] of svgs) {
    const name = `${prefix}${c.id}.png`;
    writeFileSync(join(dir, name), svgToPng(svg));
    names.set(c, name);
  }
  return names;
}

const mdText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdCell(c: Cell): string {
  if (typeof c === 'string') return mdText(c);
  return c.href ? `[${mdText(c.text)}](${c.href.replace(/ /g, '%20')})` : mdText(c.text);
}

function mdBlock(b: Block, images: ReadonlyMap<ChartBlock, string>): string {
  switch (b.type) {
    case 'chart': {
      const t = b.spec.title;
      const text = typeof t === 'object' && t !== null && 'text' in t ? t.text : t;
      const title = typeof text === 'string' ? text : b.id;
      return `![${mdText(title)}](${images.get(b) ?? `${b.id}.png`})`;
    }
    case 'note':
      return `_${mdText(b.text)}_`;
    case 'row':
      return b.blocks.map((x) => mdBlock(x, images)).join('\n\n');
    case 'table': {
      const width = Math.max(b.header?.length ?? 0, ...b.rows.map((r) => r.length));
      if (width === 0) return '';
      const header = b.header ?? Array.from({ length: width }, () => '');
      const lines = [
        `| ${header.map(mdText).join(' | ')} |`,
        `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
      ];
      return `${lines.join('\n')}${b.note ? `\n\n_${mdText(b.note)}_` : ''}`;
    }
  }
}

/** The report as Markdown; `images` names each chart's PNG (relative to the .md). */
export function renderReportMarkdown(report: RunReport, images: ReadonlyMap<ChartBlock, string>): string {
  const parts = [
    `# ${report.title}`,
    report.meta.map(mdText).join('  \n'),
    ...report.sections.map((s) => `## ${s.title}\n\n${s.blocks.map((b) => mdBlock(b, images)).join('\n\n')}`),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** Where a format goes by default inside a run directory. */
export function defaultReportOut(runDir: string, format: ReportFormat): string {
  switch (format) {
    case 'html':
      return join(runDir, 'report.html');
    case 'md':
      return join(runDir, 'report.md');
    case 'png':
      return join(runDir, 'report-png');
    case 'json':
      return join(runDir, 'report.json');
  }
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly format: ReportFormat;
  /** The HTML, Markdown or JSON file, or the PNG folder. */
  readonly out: string;
  /** Every file written (the PNGs included). */
  readonly files: readonly string[];
}

/**
 * Writes the report: `html` one self-contained file; `md` a Markdown file with one PNG per chart beside
 * it (`<name>-<chart>.png`); `png` one PNG per chart into the folder `out`; `json` the summary.
 */
export async function writeReport(
  report: RunReport,
  format: ReportFormat,
  out: string,
): Promise<WrittenReport> {
  switch (format) {
    case 'html': {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, await renderReportHtml(report));
      return { format, out, files: [out] };
    }
    case 'json': {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, renderReportJson(report));
      return { format, out, files: [out] };
    }
    case 'png': {
      const names = await writeReportPngs(report, out);
      return { format, out, files: [...names.values()].map((n) => join(out, n)) };
    }
    case 'md': {
      const dir = dirname(out);
      const prefix = `${basename(out, extname(out))}-`;
      const names = await writeReportPngs(report, dir, prefix);
      writeFileSync(out, renderReportMarkdown(report, names));
      return { format, out, files: [out, ...[...names.values()].map((n) => join(dir, n))] };
    }
  }
}
