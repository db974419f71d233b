import { allocateSeries, type CandleSeries, type SeriesIdentity } from '../candles/series.ts';
import type { RawCandles } from '../io/raw-candles.ts';
import { ROW_DEFECTS, sameValues, type ValidationReport } from './validate-candles.ts';

/** What repair did, for the import report (`--repair` must say what it changed). */
export interface RepairResult {
  series: CandleSeries;
  /** One line per kind of change, naming rows (first few) — empty when the file was clean. */
  actions: string[];
  droppedDefective: number;
  droppedDuplicates: number;
  /** Rows that were out of order and were moved by sorting. */
  reordered: number;
}

const SHOW_ROWS = 10;

function rowList(raw: RawCandles, indices: readonly number[]): string {
  const shown = indices.slice(0, SHOW_ROWS).map((i) => raw.rowNumber[i]);
  const more = indices.length > SHOW_ROWS ? ` and ${indices.length - SHOW_ROWS} more` : '';
  return `${raw.rowLabel}${shown.length > 1 ? 's' : ''} ${shown.join(', ')}${more}`;
}

/**
 * The series a file holds once repaired: rows with a defect (unparseable, non-finite, high < low,
 * open/close outside the range, negative volume, misaligned) dropped; the rest sorted by time (stable,
 * so file order decides ties); of rows sharing a time the first in the file kept. Gaps are kept as gaps.
 * For a clean file this is a plain copy and `actions` is empty.
 */
export function repairCandles(
  raw: RawCandles,
  report: ValidationReport,
  id: SeriesIdentity,
  opts: { shared?: boolean } = {},
): RepairResult {
  if (report.issues.length === 0) {
    // Clean and (no duplicates ⇒ strictly) ascending: a straight copy.
    const series = allocateSeries(id, raw.length, opts.shared);
    series.ts.set(raw.ts);
    series.open.set(raw.open);
    series.high.set(raw.high);
    series.low.set(raw.low);
    series.close.set(raw.close);
    series.volume.set(raw.volume);
    return { series, actions: [], droppedDefective: 0, droppedDuplicates: 0, reordered: 0 };
  }
  const defective = new Set<number>();
  for (const issue of report.issues) if (ROW_DEFECTS.has(issue.kind)) defective.add(issue.index);

  let order: number[] = [];
  for (let i = 0; i < raw.length; i++) if (!defective.has(i)) order.push(i);
  let reordered = 0;
  if (!report.ascending) {
    const before = order;
    order = [...order].sort((a, b) => raw.ts[a] - raw.ts[b] || a - b);
    for (let k = 0; k < order.length; k++) if (order[k] !== before[k]) reordered++;
  }

  const keep: number[] = [];
  const identical: number[] = [];
  const conflicting: number[] = [];
  for (const i of order) {
    const last = keep.length > 0 ? keep[keep.length - 1] : -1;
    if (last >= 0 && raw.ts[i] === raw.ts[last]) {
      (sameValues(raw, i, last) ? identical : conflicting).push(i);
    } else keep.push(i);
  }

  const series = allocateSeries(id, keep.length, opts.shared);
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k];
    series.ts[k] = raw.ts[i];
    series.open[k] = raw.open[i];
    series.high[k] = raw.high[i];
    series.low[k] = raw.low[i];
    series.close[k] = raw.close[i];
    series.volume[k] = raw.volume[i];
  }

  const actions: string[] = [];
  if (defective.size > 0) {
    const idx = [...defective].sort((a, b) => a - b);
    const kinds = new Map<string, number>();
    for (const issue of report.issues) {
      if (ROW_DEFECTS.has(issue.kind)) kinds.set(issue.kind, (kinds.get(issue.kind) ?? 0) + 1);
    }
    const why = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
    actions.push(`dropped ${idx.length} row(s) that cannot be repaired (${why}): ${rowList(raw, idx)}`);
  }
  if (reordered > 0) actions.push(`sorted by time: ${reordered} row(s) were out of order`);
  if (identical.length > 0) {
    actions.push(
      `dropped ${identical.length} duplicate row(s) identical to an earlier row: ${rowList(raw, identical)}`,
    );
  }
  if (conflicting.length > 0) {
    actions.push(
      `dropped ${conflicting.length} duplicate row(s) with different values, kept the first in the file: ` +
        rowList(raw, conflicting),
    );
  }
  return {
    series,
    actions,
    droppedDefective: defective.size,
    droppedDuplicates: identical.length + conflicting.length,
    reordered,
  };
}
