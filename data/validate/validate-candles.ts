import type { RawCandles } from '../io/raw-candles.ts';
import { formatTs } from '../io/timestamp.ts';
import { TIMEFRAME_MS, type Timeframe } from '../timeframes.ts';

/**
 * What can be wrong with a row of a candle file. Every kind refuses the file by default; `--repair`
 * drops the row (`duplicate`: keeps the first occurrence; `non-monotonic`: sorts). Gaps are not here:
 * a missing bar is not a wrong bar, so gaps are reported (data/validate/gaps.ts) and kept as gaps.
 */
export const ISSUE_KINDS = [
  'unparseable',
  'non-finite',
  'duplicate',
  'non-monotonic',
  'high-below-low',
  'open-outside-range',
  'close-outside-range',
  'negative-volume',
  'misaligned',
] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** One finding: the row's index in the raw arrays, its number in the file, and a message naming both. */
export interface RowIssue {
  kind: IssueKind;
  index: number;
  row: number;
  message: string;
}

export interface ValidationReport {
  path: string;
  timeframe: Timeframe;
  rows: number;
  issues: RowIssue[];
  counts: Record<IssueKind, number>;
  /** True when the finite timestamps are in ascending file order (ties are duplicates, not disorder). */
  ascending: boolean;
}

/** Kinds that make the row itself unusable (dropped by repair), as opposed to its place in the file. */
export const ROW_DEFECTS: ReadonlySet<IssueKind> = new Set<IssueKind>([
  'unparseable',
  'non-finite',
  'high-below-low',
  'open-outside-range',
  'close-outside-range',
  'negative-volume',
  'misaligned',
]);

/**
 * Checks every row of `raw` for `timeframe`: unparseable or non-finite cells, high < low, open/close
 * outside [low, high], negative volume, open time not on a UTC `timeframe` boundary, a timestamp seen
 * before (duplicate) or earlier than a previous one (non-monotonic). Findings name the file row.
 */
export function validateCandles(raw: RawCandles, timeframe: Timeframe): ValidationReport {
  const issues: RowIssue[] = [];
  const label = raw.rowLabel;
  const add = (kind: IssueKind, i: number, text: string) =>
    issues.push({ kind, index: i, row: raw.rowNumber[i], message: `${label} ${raw.rowNumber[i]}: ${text}` });

  const unparseable = new Set<number>();
  for (const p of raw.problems) {
    unparseable.add(p.index);
    issues.push({ kind: 'unparseable', index: p.index, row: raw.rowNumber[p.index], message: p.message });
  }

  const tfMs = TIMEFRAME_MS[timeframe];
  const fields = [
    ['ts', raw.ts],
    ['open', raw.open],
    ['high', raw.high],
    ['low', raw.low],
    ['close', raw.close],
    ['volume', raw.volume],
  ] as const;

  // Ascending files (the normal case) need no hash map: a repeat can only be the previous row.
  let maxTs = Number.NEGATIVE_INFINITY;
  let maxIndex = -1;
  let seen: Map<number, number> | undefined;
  let ascending = true;

  for (let i = 0; i < raw.length; i++) {
    if (!unparseable.has(i)) {
      const finite =
        Number.isFinite(raw.ts[i]) &&
        Number.isFinite(raw.open[i]) &&
        Number.isFinite(raw.high[i]) &&
        Number.isFinite(raw.low[i]) &&
        Number.isFinite(raw.close[i]) &&
        Number.isFinite(raw.volume[i]);
      if (!finite) {
        const bad = fields
          .filter(([, col]) => !Number.isFinite(col[i]))
          .map(([name, col]) => `${name} ${col[i]}`);
        add('non-finite', i, `${bad.join(', ')}: missing or not a finite number`);
      } else {
        const o = raw.open[i];
        const h = raw.high[i];
        const l = raw.low[i];
        const c = raw.close[i];
        if (h < l) add('high-below-low', i, `high ${h} is below low ${l}`);
        else {
          if (o < l || o > h) add('open-outside-range', i, `open ${o} is outside [low ${l}, high ${h}]`);
          if (c < l || c > h) add('close-outside-range', i, `close ${c} is outside [low ${l}, high ${h}]`);
        }
        if (raw.volume[i] < 0) add('negative-volume', i, `volume ${raw.volume[i]} is negative`);
      }
    }
    const t = raw.ts[i];
    if (!Number.isFinite(t)) continue;
    if (t % tfMs !== 0) add('misaligned', i, `time ${formatTs(t)} is not on a UTC ${timeframe} boundary`);

    if (seen === undefined && t < maxTs) {
      ascending = false;
      seen = new Map();
      for (let j = 0; j < i; j++) {
        const tj = raw.ts[j];
        if (Number.isFinite(tj) && !seen.has(tj)) seen.set(tj, j);
      }
    }
    if (seen !== undefined) {
      const first = seen.get(t);
      if (first !== undefined) add('duplicate', i, duplicateText(raw, i, first));
      else {
        if (t < maxTs) {
          add(
            'non-monotonic',
            i,
            `time ${formatTs(t)} comes after ${label} ${raw.rowNumber[maxIndex]} (${formatTs(maxTs)})`,
          );
        }
        seen.set(t, i);
      }
    } else if (t === maxTs) {
      add('duplicate', i, duplicateText(raw, i, maxIndex));
    }
    if (t > maxTs) {
      maxTs = t;
      maxIndex = i;
    }
  }

  issues.sort((a, b) => a.index - b.index);
  const counts = Object.fromEntries(ISSUE_KINDS.map((k) => [k, 0])) as Record<IssueKind, number>;
  for (const issue of issues) counts[issue.kind]++;
  return { path: raw.path, timeframe, rows: raw.length, issues, counts, ascending };
}

function duplicateText(raw: RawCandles, i: number, first: number): string {
  const same = sameValues(raw, i, first);
  return (
    `time ${formatTs(raw.ts[i])} repeats ${raw.rowLabel} ${raw.rowNumber[first]}` +
    (same ? ' (identical values)' : ' (different values)')
  );
}

/** True when rows i and j carry the same OHLCV values. */
export function sameValues(raw: RawCandles, i: number, j: number): boolean {
  return (
    raw.open[i] === raw.open[j] &&
    raw.high[i] === raw.high[j] &&
    raw.low[i] === raw.low[j] &&
    raw.close[i] === raw.close[j] &&
    raw.volume[i] === raw.volume[j]
  );
}

/** "2 duplicate, 1 high-below-low" — the counts of a report, for one-line messages. */
export function summarizeIssues(report: ValidationReport): string {
  return ISSUE_KINDS.filter((k) => report.counts[k] > 0)
    .map((k) => `${report.counts[k]} ${k}`)
    .join(', ');
}
