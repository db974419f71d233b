import { allocateSeries, type CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { isMultipleOf, TIMEFRAME_MS, type Timeframe } from '../timeframes.ts';

/**
 * Which higher-timeframe buckets are emitted.
 *
 * - `closed` (default): a bucket is emitted when it holds at least one base bar and its close time has
 *   passed by the data, i.e. the base series has a bar closing at or after the bucket's close. This is
 *   what exchanges publish: a day with a maintenance gap is still a day (built from the bars it has),
 *   and a series starting mid-day gets that first partial day — the publisher's own 4h/1d files in
 *   `../shared/data` do exactly this. The trailing bucket the data has not yet closed is never
 *   emitted, and an empty bucket never becomes a bar (gaps stay gaps).
 * - `full`: additionally every base bar of the bucket must exist; buckets touched by a gap are left out.
 */
export type ResamplePolicy = 'closed' | 'full';

export interface ResampleOptions {
  policy?: ResamplePolicy;
  /**
   * The time up to which the base data is known to be complete (UTC ms); buckets ending at or before it
   * count as closed. Default: the close time of the last base bar. A live caller passes its clock's now;
   * a chained resample (15m → 1h → 4h) passes the 15m data end, which the 1h series no longer carries.
   */
  closedUntil?: number;
  /** Allocate the result in a SharedArrayBuffer. */
  shared?: boolean;
}

/**
 * Aggregates `base` (15m or 1h, ascending) into `target` bars aligned to UTC multiples of the target
 * (days start 00:00 UTC): open = first, high = max, low = min, close = last, volume = sum. A bar with
 * open time T may be used from T + target on, like any bar (SPEC §2). Returns `base` itself when the
 * timeframes are equal.
 */
export function resample(base: CandleSeries, target: Timeframe, opts: ResampleOptions = {}): CandleSeries {
  if (target === base.timeframe) return base;
  if (!isMultipleOf(target, base.timeframe)) {
    throw new UserError(
      `cannot resample ${base.timeframe} to ${target}: the target must be a longer timeframe that is a whole ` +
        `multiple of ${base.timeframe}`,
    );
  }
  const policy = opts.policy ?? 'closed';
  const step = TIMEFRAME_MS[target];
  const baseStep = TIMEFRAME_MS[base.timeframe];
  const perBucket = step / baseStep;
  const n = base.length;
  const dataEnd = opts.closedUntil ?? (n > 0 ? base.ts[n - 1] + baseStep : Number.NEGATIVE_INFINITY);

  const ts = base.ts;
  const id = { ...base, timeframe: target };
  // Buckets are at most those from the first bar's to the last bar's, and never more than the bars: the
  // output is allocated at that bound (the bars' count if the bound does not hold, as for times out of
  // order) and trimmed after.
  const span = n === 0 ? 0 : Math.floor(ts[n - 1] / step) - Math.floor(ts[0] / step) + 1;
  let bound = span >= 1 ? Math.min(n, span) : n;
  let out = allocateSeries(id, bound, opts.shared);
  let m = aggregate(base, out, step, policy === 'closed' ? 0 : perBucket, dataEnd);
  if (m < 0) {
    bound = n;
    out = allocateSeries(id, bound, opts.shared);
    m = aggregate(base, out, step, policy === 'closed' ? 0 : perBucket, dataEnd);
  }
  if (m === bound) return out;
  // Fewer buckets than the bound (gaps, the unclosed trailing one): trim with a copy.
  const result = allocateSeries(id, m, opts.shared);
  result.ts.set(out.ts.subarray(0, m));
  result.open.set(out.open.subarray(0, m));
  result.high.set(out.high.subarray(0, m));
  result.low.set(out.low.subarray(0, m));
  result.close.set(out.close.subarray(0, m));
  result.volume.set(out.volume.subarray(0, m));
  return result;
}

/**
 * Writes the emitted buckets of `base` into `out` (see {@link resample}); `fullCount` > 0 keeps only
 * buckets with that many bars. Returns how many, or -1 when `out` has no room for them all.
 */
function aggregate(
  base: CandleSeries,
  out: CandleSeries,
  step: number,
  fullCount: number,
  dataEnd: number,
): number {
  const { ts, open, high, low, close, volume } = base;
  const n = base.length;
  const oTs = out.ts;
  const oOpen = out.open;
  const oHigh = out.high;
  const oLow = out.low;
  const oClose = out.close;
  const oVolume = out.volume;
  const room = oTs.length;
  let m = 0;
  let i = 0;
  while (i < n) {
    const bucket = Math.floor(ts[i] / step) * step;
    const end = bucket + step;
    let hi = high[i];
    let lo = low[i];
    let vol = volume[i];
    const first = open[i];
    let j = i + 1;
    while (j < n && ts[j] < end) {
      if (high[j] > hi) hi = high[j];
      if (low[j] < lo) lo = low[j];
      vol += volume[j];
      j++;
    }
    if (end <= dataEnd && (fullCount === 0 || j - i === fullCount)) {
      if (m === room) return -1;
      oTs[m] = bucket;
      oOpen[m] = first;
      oHigh[m] = hi;
      oLow[m] = lo;
      oClose[m] = close[j - 1];
      oVolume[m] = vol;
      m++;
    }
    i = j;
  }
  return m;
}

/**
 * For each base bar i, the index into `higher` of the last higher-timeframe bar that is fully closed
 * when base bar i closes (its open + its timeframe ≤ base.ts[i] + base timeframe), or -1 when none is.
 * This is the only causal way to look up a higher timeframe from a base bar: the bar containing base
 * bar i is not visible until it closes. Works for resampled and imported higher series alike.
 */
export function lastClosedHigherIndex(base: CandleSeries, higher: CandleSeries): Int32Array {
  if (!isMultipleOf(higher.timeframe, base.timeframe)) {
    throw new UserError(`${higher.timeframe} is not a higher timeframe of ${base.timeframe}`);
  }
  const baseStep = TIMEFRAME_MS[base.timeframe];
  const step = TIMEFRAME_MS[higher.timeframe];
  const n = base.length;
  const out = new Int32Array(n);
  const bts = base.ts;
  const hts = higher.ts;
  const hn = higher.length;
  let k = -1;
  // A higher bar is closed by base bar i once its close (open + step) is at most base bar i's close.
  let nextClose = hn > 0 ? hts[0] + step : Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const now = bts[i] + baseStep;
    while (nextClose <= now) {
      k++;
      nextClose = k + 1 < hn ? hts[k + 1] + step : Number.POSITIVE_INFINITY;
    }
    out[i] = k;
  }
  return out;
}
