import type { CandleSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { CandlesByTimeframe } from '../../strategies/strategy.ts';
import { contentHash } from './hash.ts';

/**
 * The candles a backtest runs on: per symbol, columnar series keyed by timeframe. The base timeframe
 * drives the run (one tick per base-bar close); higher timeframes a strategy needs are taken from the
 * feed when present (imported) or resampled from the base.
 */
export interface BacktestFeed {
  readonly baseTimeframe: Timeframe;
  readonly candles: Readonly<Record<string, CandlesByTimeframe>>;
  /**
   * First decision time (base-bar close, UTC ms) at which the trader may act; earlier bars are warm-up
   * history that the strategies and the simulator see but nothing trades on, and the equity curve
   * starts here. Default: the first bar.
   */
  readonly tradeFrom?: number;
}

/** Symbols of the feed in a stable (sorted) order. */
export function feedSymbols(feed: BacktestFeed): string[] {
  return Object.keys(feed.candles).sort();
}

/**
 * The candles of each symbol with every timeframe in `required`: present ones as given, missing ones
 * resampled from the base (UTC-aligned, closed buckets only; `resampler` may memoise it). Throws when a
 * symbol has no base series.
 */
export function completeFeed(
  feed: BacktestFeed,
  required: readonly Timeframe[],
  resampler: (base: CandleSeries, tf: Timeframe) => CandleSeries = resample,
): Record<string, CandlesByTimeframe> {
  const out: Record<string, CandlesByTimeframe> = {};
  for (const symbol of feedSymbols(feed)) {
    const have = feed.candles[symbol];
    const base = have[feed.baseTimeframe];
    if (base === undefined) {
      throw new Error(`feed has no ${feed.baseTimeframe} (base) candles for ${symbol}`);
    }
    const byTf: CandlesByTimeframe = { [feed.baseTimeframe]: base };
    for (const tf of required) {
      if (byTf[tf] !== undefined) continue;
      if (TIMEFRAME_MS[tf] < TIMEFRAME_MS[feed.baseTimeframe]) {
        throw new Error(
          `a strategy needs ${tf} candles, finer than the ${feed.baseTimeframe} base: use a finer base`,
        );
      }
      byTf[tf] = have[tf] ?? resampler(base, tf);
    }
    out[symbol] = byTf;
  }
  return out;
}

/**
 * {@link resample}, memoised by the base series' arrays: runs again over the same candles (a notebook, a
 * benchmark) reuse the higher timeframes resampled for them before instead of aggregating every bar again.
 * The result is the same series a fresh resample gives (a pure function of the base columns, which are not
 * changed in place once loaded); entries die with the base arrays.
 */
export function resampleOnce(base: CandleSeries, tf: Timeframe): CandleSeries {
  let byTf = resampled.get(base.close);
  if (byTf === undefined) {
    byTf = new Map();
    resampled.set(base.close, byTf);
  }
  const memo = byTf.get(tf);
  if (memo !== undefined && sameBase(memo.base, memo.length, base)) return memo.series;
  const series = resample(base, tf);
  byTf.set(tf, { base, length: base.length, series });
  return series;
}

const resampled = new WeakMap<
  Float64Array,
  Map<Timeframe, { readonly base: CandleSeries; readonly length: number; readonly series: CandleSeries }>
>();

/** `b` is the series `a` was (same identity, timeframe, columns and rows). */
function sameBase(a: CandleSeries, length: number, b: CandleSeries): boolean {
  return (
    a.timeframe === b.timeframe &&
    a.source === b.source &&
    a.symbol === b.symbol &&
    length === b.length &&
    a.ts === b.ts &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume
  );
}

/**
 * Content hash of the candles used: every series' identity and its six columns, by symbol and
 * timeframe in sorted order, plus the trading start.
 */
export function feedHash(
  candles: Readonly<Record<string, CandlesByTimeframe>>,
  baseTimeframe: Timeframe,
  tradeFrom: number | undefined,
): string {
  const parts: HashedSeries[] = [];
  for (const symbol of Object.keys(candles).sort()) {
    const byTf = candles[symbol];
    const tfs = (Object.keys(byTf) as Timeframe[]).sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b]);
    for (const tf of tfs) {
      const s = byTf[tf];
      if (s === undefined) continue;
      parts.push({
        source: s.source,
        symbol: s.symbol,
        timeframe: s.timeframe,
        ts: s.ts,
        open: s.open,
        high: s.high,
        low: s.low,
        close: s.close,
        volume: s.volume,
      });
    }
  }
  // Hashing the columns (megabytes of SHA-256) is most of a run's set-up: a notebook or a benchmark that runs
  // again on the same arrays gets the hash computed for them before (candle arrays are not changed in place
  // once loaded, which the timeline memo and the feature cache rely on too).
  const memo = hashes.get(parts.length > 0 ? parts[0].ts : EMPTY);
  if (
    memo !== undefined &&
    memo.baseTimeframe === baseTimeframe &&
    Object.is(memo.tradeFrom, tradeFrom) &&
    sameParts(memo, parts)
  ) {
    return memo.hash;
  }
  const hash = contentHash({ baseTimeframe, tradeFrom: tradeFrom ?? null, series: parts });
  hashes.set(parts.length > 0 ? parts[0].ts : EMPTY, {
    baseTimeframe,
    tradeFrom,
    parts,
    lengths: parts.flatMap((p) => HASHED_COLUMNS.map((c) => p[c].length)),
    hash,
  });
  return hash;
}

type HashedSeries = Pick<
  CandleSeries,
  'source' | 'symbol' | 'timeframe' | 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'
>;

const EMPTY = new Float64Array(0);

/** Feed hashes by the first series' time array, with everything that went into them. */
const hashes = new WeakMap<
  Float64Array,
  {
    readonly baseTimeframe: Timeframe;
    readonly tradeFrom: number | undefined;
    readonly parts: readonly HashedSeries[];
    /** Length of each column then, series by series (a length-tracking view could grow). */
    readonly lengths: readonly number[];
    readonly hash: string;
  }
>();

const HASHED_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The same series identities over the same column arrays, each of the same length as when hashed. */
function sameParts(
  memo: { readonly parts: readonly HashedSeries[]; readonly lengths: readonly number[] },
  parts: readonly HashedSeries[],
): boolean {
  if (memo.parts.length !== parts.length) return false;
  for (let k = 0; k < parts.length; k++) {
    const a = memo.parts[k];
    const b = parts[k];
    if (a.source !== b.source || a.symbol !== b.symbol || a.timeframe !== b.timeframe) return false;
    for (let c = 0; c < HASHED_COLUMNS.length; c++) {
      const col = HASHED_COLUMNS[c];
      if (a[col] !== b[col] || b[col].length !== memo.lengths[k * HASHED_COLUMNS.length + c]) return false;
    }
  }
  return true;
}

/** The union of the base series' bar open times, ascending (symbols may start and end at other times). */
export function mergedTimeline(bases: readonly CandleSeries[]): Float64Array {
  if (bases.length === 0) return new Float64Array(0);
  const first = bases[0].ts;
  // A sweep runs every config on the same arrays: merge them once (candle arrays are not changed in
  // place once loaded, which the feature cache relies on too).
  const memo = timelines.get(first);
  if (memo !== undefined && sameArrays(memo, bases)) return memo.timeline;
  let acc: Float64Array = first;
  // Series on one grid usually share every time: a merge would only copy, so compare first.
  for (let k = 1; k < bases.length; k++)
    if (!sameTimes(acc, bases[k].ts)) acc = mergeSorted(acc, bases[k].ts);
  timelines.set(first, { ts: bases.map((b) => b.ts), lengths: bases.map((b) => b.ts.length), timeline: acc });
  return acc;
}

/** Merged timelines by the first series' time array, with every series' time array and length. */
const timelines = new WeakMap<
  Float64Array,
  {
    readonly ts: readonly Float64Array[];
    readonly lengths: readonly number[];
    readonly timeline: Float64Array;
  }
>();

function sameArrays(
  memo: { readonly ts: readonly Float64Array[]; readonly lengths: readonly number[] },
  bases: readonly CandleSeries[],
): boolean {
  if (memo.ts.length !== bases.length) return false;
  for (let k = 0; k < bases.length; k++) {
    if (memo.ts[k] !== bases[k].ts || memo.lengths[k] !== bases[k].ts.length) return false;
  }
  return true;
}

/** Equal, strictly increasing times (with a repeat inside, the merge is left to drop it). */
function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] || (i > 0 && !(a[i] > a[i - 1]))) return false;
  }
  return true;
}

/** Merge of two ascending arrays without duplicates. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    if (i < a.length && a[i] === x) i++;
    if (j < b.length && b[j] === x) j++;
    out[n++] = x;
  }
  return out.slice(0, n);
}
