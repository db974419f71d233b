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

  // Upper bound on buckets: one per base bar. Filled in place, then trimmed with a copy.
  const out = allocateSeries({ ...base, timeframe: target }, n, false);
  let m = 0;
  let i = 0;
  while (i < n) {
    const bucket = Math.floor(base.ts[i] / step) * step;
    const end = bucket + step;
    let high = base.high[i];
    let low = base.low[i];
    let volume = base.volume[i];
    const open = base.open[i];
    let j = i + 1;
    while (j < n && base.ts[j] < end) {
      if (base.high[j] > high) high = base.high[j];
      if (base.low[j] < low) low = base.low[j];
      volume += base.volume[j];
      j++;
    }
    const count = j - i;
    const closed = end <= dataEnd;
    if (closed && (policy === 'closed' || count === perBucket)) {
      out.ts[m] = bucket;
      out.open[m] = open;
      out.high[m] = high;
      out.low[m] = low;
      out.close[m] = base.close[j - 1];
      out.volume[m] = volume;
      m++;
    }
    i = j;
  }
  const result = allocateSeries({ ...base, timeframe: target }, m, opts.shared);
  result.ts.set(out.ts.subarray(0, m));
  result.open.set(out.open.subarray(0, m));
  result.high.set(out.high.subarray(0, m));
  result.low.set(out.low.subarray(0, m));
  result.close.set(out.close.subarray(0, m));
  result.volume.set(out.volume.subarray(0, m));
  return result;
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
  const out = new Int32Array(base.length);
  let k = -1;
  for (let i = 0; i < base.length; i++) {
    const now = base.ts[i] + baseStep;
    while (k + 1 < higher.length && higher.ts[k + 1] + step <= now) k++;
    out[i] = k;
  }
  return out;
}
