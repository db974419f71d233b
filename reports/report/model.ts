import { join, relative, resolve, sep } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

/**
 * A report as data: titled sections of charts (vega-lite specs), tables and notes, plus the summary a
 * `--format json` report prints. Every run kind builds one (reports/report/kinds/); the renderers turn it
 * into self-contained HTML, Markdown with PNGs, PNGs or JSON, so all formats show the same things.
 */

/** A table cell: plain text, or text with a link (relative to the report) and a tone. */
export type Cell = string | { readonly text: string; readonly href?: string; readonly tone?: 'pos' | 'neg' };

/** A chart: a vega-lite spec with inline data. */
export interface ChartBlock {
  readonly type: 'chart';
  /** File-name-safe id, unique in the report: the PNG is `<id>.png`. */
  readonly id: string;
  readonly spec: TopLevelSpec;
}

/** A table (cells may link, e.g. a trade to its signal chart). */
export interface TableBlock {
  readonly type: 'table';
  readonly header?: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Shown under the table (e.g. "first 200 of 950 rows; all are in trades.csv"). */
  readonly note?: string;
}

/** A line of small print. */
export interface NoteBlock {
  readonly type: 'note';
  readonly text: string;
}

/** Blocks side by side in HTML (stacked in Markdown). */
export interface RowBlock {
  readonly type: 'row';
  readonly blocks: readonly Block[];
}

/** Anything a report section holds. */
export type Block = ChartBlock | TableBlock | NoteBlock | RowBlock;

/** A titled section of a report. */
export interface ReportSection {
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** The run kinds a report is built for (result.json `kind`). */
export const RUN_KINDS = ['backtest', 'sweep', 'walkforward', 'compare', 'scan'] as const;
/** A run directory's kind. */
export type RunKind = (typeof RUN_KINDS)[number];

/** A whole report, ready for any renderer. */
export interface RunReport {
  readonly kind: RunKind;
  readonly title: string;
  /** Lines under the title: scope, hashes, versions. */
  readonly meta: readonly string[];
  readonly sections: readonly ReportSection[];
  /** The report's numbers as plain JSON (what `smc report --format json` writes). */
  readonly summary: Record<string, unknown>;
}

/** Every chart of a report, in reading order. */
export function reportCharts(report: RunReport): ChartBlock[] {
  const out: ChartBlock[] = [];
  const walk = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      if (b.type === 'chart') out.push(b);
      else if (b.type === 'row') walk(b.blocks);
    }
  };
  for (const s of report.sections) walk(s.blocks);
  return out;
}

/** A chart block. */
export const chart = (id: string, spec: TopLevelSpec): ChartBlock => ({ type: 'chart', id, spec });
/** A note block. */
export const note = (text: string): NoteBlock => ({ type: 'note', text });
/** A row of blocks. */
export const row = (...blocks: Block[]): RowBlock => ({ type: 'row', blocks });
/** A table block. */
export function table(
  header: readonly string[] | undefined,
  rows: readonly (readonly Cell[])[],
  tableNote?: string,
): TableBlock {
  return { type: 'table', ...(header ? { header } : {}), rows, ...(tableNote ? { note: tableNote } : {}) };
}

/**
 * The report with its relative links (e.g. `charts/BTC-….html`, relative to the run directory `fromDir`)
 * made relative to `toDir`, where the report file is written; absolute links are left alone.
 */
export function rebaseLinks(report: RunReport, fromDir: string, toDir: string): RunReport {
  if (resolve(fromDir) === resolve(toDir)) return report;
  const cell = (c: Cell): Cell =>
    typeof c === 'string' || c.href === undefined || /^[a-z]+:|^\//i.test(c.href)
      ? c
      : { ...c, href: relative(toDir, join(fromDir, c.href)).split(sep).join('/') };
  const block = (b: Block): Block =>
    b.type === 'table'
      ? { ...b, rows: b.rows.map((r) => r.map(cell)) }
      : b.type === 'row'
        ? { ...b, blocks: b.blocks.map(block) }
        : b;
  return { ...report, sections: report.sections.map((s) => ({ ...s, blocks: s.blocks.map(block) })) };
}
