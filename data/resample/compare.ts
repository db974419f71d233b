import type { CandleSeries, OhlcvColumn } from '../candles/series.ts';

export type PriceField = Exclude<OhlcvColumn, 'ts'>;
const FIELDS: readonly PriceField[] = ['open', 'high', 'low', 'close', 'volume'];

/** One field of one bar that differs between two series. */
export interface BarDifference {
  ts: number;
  field: PriceField;
  ours: number;
  theirs: number;
}

/** How two series of one timeframe agree, bar by bar (bars matched by open time). */
export interface SeriesComparison {
  timeframe: string;
  oursBars: number;
  theirsBars: number;
  /** Bars present in both. */
  compared: number;
  /** Bars present in both with every field equal (within the tolerance). */
  matching: number;
  /** Bars present in both with at least one field different. */
  differingBars: number;
  /** Per field: how many bars differ in it. */
  differingByField: Record<PriceField, number>;
  /** Every differing field of every differing bar, in time order. */
  differences: BarDifference[];
  /** Open times only one side has. */
  onlyOurs: number[];
  onlyTheirs: number[];
}

/**
 * Two values agree when equal or within `relTol` of the larger magnitude. Prices taken from the base
 * (open/high/low/close) compare exactly in practice; volumes are sums, so float rounding (…0000002)
 * needs the tolerance.
 */
export function sameWithin(a: number, b: number, relTol: number): boolean {
  return a === b || Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
}

/** Compares `ours` with `theirs` bar by bar; reports every difference, hides none. */
export function compareSeries(ours: CandleSeries, theirs: CandleSeries, relTol = 1e-9): SeriesComparison {
  const cmp: SeriesComparison = {
    timeframe: ours.timeframe,
    oursBars: ours.length,
    theirsBars: theirs.length,
    compared: 0,
    matching: 0,
    differingBars: 0,
    differingByField: { open: 0, high: 0, low: 0, close: 0, volume: 0 },
    differences: [],
    onlyOurs: [],
    onlyTheirs: [],
  };
  let i = 0;
  let j = 0;
  while (i < ours.length || j < theirs.length) {
    const a = i < ours.length ? ours.ts[i] : Number.POSITIVE_INFINITY;
    const b = j < theirs.length ? theirs.ts[j] : Number.POSITIVE_INFINITY;
    if (a < b) {
      cmp.onlyOurs.push(a);
      i++;
    } else if (b < a) {
      cmp.onlyTheirs.push(b);
      j++;
    } else {
      cmp.compared++;
      let differs = false;
      for (const f of FIELDS) {
        const x = ours[f][i];
        const y = theirs[f][j];
        if (!sameWithin(x, y, relTol)) {
          cmp.differences.push({ ts: a, field: f, ours: x, theirs: y });
          cmp.differingByField[f]++;
          differs = true;
        }
      }
      if (differs) cmp.differingBars++;
      else cmp.matching++;
      i++;
      j++;
    }
  }
  return cmp;
}
