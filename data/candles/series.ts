import type { Timeframe } from '../timeframes.ts';

/**
 * Columnar candles of one (source, symbol, timeframe): `ts` is the bar open time in UTC ms, stored as
 * float64 so the whole series can live in (Shared)ArrayBuffers and cross worker boundaries unchanged.
 * Rows are strictly increasing in `ts`. No per-row objects anywhere on the hot path.
 */
export interface CandleSeries {
  readonly source: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const OHLCV_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type OhlcvColumn = (typeof OHLCV_COLUMNS)[number];

export interface SeriesIdentity {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

/**
 * Allocates a series of `length` rows. With `shared`, the columns sit in one SharedArrayBuffer so a
 * sweep can hand them to worker threads without copying.
 */
export function allocateSeries(id: SeriesIdentity, length: number, shared = false): CandleSeries {
  const bytes = length * Float64Array.BYTES_PER_ELEMENT;
  const buffer = shared ? new SharedArrayBuffer(bytes * 6) : new ArrayBuffer(bytes * 6);
  const col = (i: number) => new Float64Array(buffer, i * bytes, length);
  // Named fields, not `...id`: past a few calls V8 gives each spread result a map of its own, so every
  // reader of `series.close` (indicators, simulator, trader) went megamorphic and deoptimised run after run.
  return {
    source: id.source,
    symbol: id.symbol,
    timeframe: id.timeframe,
    length,
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
  };
}

/** Builds a series from plain column arrays (tests, generators, small imports). */
export function seriesFromColumns(
  id: SeriesIdentity,
  cols: Record<OhlcvColumn, ArrayLike<number>>,
): CandleSeries {
  const n = cols.ts.length;
  for (const c of OHLCV_COLUMNS) {
    if (cols[c].length !== n) {
      throw new Error(
        `column '${c}' has ${cols[c].length} rows but 'ts' has ${n}: every column needs one value per bar`,
      );
    }
  }
  const s = allocateSeries(id, n);
  s.ts.set(cols.ts);
  s.open.set(cols.open);
  s.high.set(cols.high);
  s.low.set(cols.low);
  s.close.set(cols.close);
  s.volume.set(cols.volume);
  return s;
}

/** Rows [from, to) as views on the same memory (no copy). */
export function sliceSeries(s: CandleSeries, from: number, to: number): CandleSeries {
  const a = Math.max(0, from);
  const b = Math.min(s.length, to);
  return {
    source: s.source,
    symbol: s.symbol,
    timeframe: s.timeframe,
    length: Math.max(0, b - a),
    ts: s.ts.subarray(a, b),
    open: s.open.subarray(a, b),
    high: s.high.subarray(a, b),
    low: s.low.subarray(a, b),
    close: s.close.subarray(a, b),
    volume: s.volume.subarray(a, b),
  };
}

/** Index of the first bar with ts >= t (binary search; series.length when none). */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
