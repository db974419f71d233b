import type { CandleSeries } from '../../data/candles/series.ts';
import { Atr } from '../smc/indicators/atr.ts';

/**
 * Causal column builders of the momentum strategy: row j of every output depends on input rows ≤ j only,
 * so a series cut after row j gives the same rows 0..j (the truncation property `smc check lookahead`
 * tests). The warm-up check (engine/research/checks) runs the same builders from different starts.
 */

/**
 * Rolling maximum (`sign` 1) or minimum (`sign` −1) of the last `window` values, rows j ≥ window − 1;
 * NaN before. Monotonic deque: O(n) whatever the window.
 */
export function rollingExtreme(
  values: ArrayLike<number>,
  window: number,
  sign: 1 | -1,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let j = 0; j < n; j++) {
    const v = values[j] * sign;
    while (tail > head && values[deque[tail - 1]] * sign <= v) tail--;
    deque[tail++] = j;
    if (deque[head] <= j - window) head++;
    out[j] = j >= window - 1 ? values[deque[head]] : Number.NaN;
  }
  return out;
}

/** Wilder ATR of every bar (NaN before `period` bars), the same code as the SMC stop's ATR. */
export function atrColumn(
  bars: CandleSeries,
  period: number,
  out = new Float64Array(bars.length),
): Float64Array {
  const atr = new Atr(period);
  for (let j = 0; j < bars.length; j++) out[j] = atr.push(bars.high[j], bars.low[j], bars.close[j]);
  return out;
}

/**
 * Bars an exponential smoother seeded with the simple average of its first `period` inputs needs before
 * the seed's share of its error is at most `tolerance`: the seed weighs (1 − α)^k after k more bars, so
 * period + ⌈ln(tolerance) / ln(1 − α)⌉. α = 2/(period + 1) for an EMA, 1/period for Wilder's ATR/RMA.
 */
export function smoothingWarmupBars(period: number, alpha: number, tolerance: number): number {
  if (!(tolerance > 0 && tolerance < 1)) throw new Error(`warm-up tolerance ${tolerance} must be in (0, 1)`);
  if (alpha >= 1) return period;
  return period + Math.ceil(Math.log(tolerance) / Math.log(1 - alpha));
}

/** Warm-up of an EMA of `period` (see smoothingWarmupBars). */
export function emaWarmupBars(period: number, tolerance: number): number {
  return smoothingWarmupBars(period, 2 / (period + 1), tolerance);
}

/** Warm-up of a Wilder ATR of `period` (see smoothingWarmupBars). */
export function atrWarmupBars(period: number, tolerance: number): number {
  return smoothingWarmupBars(period, 1 / period, tolerance);
}

/**
 * For each instant `at[i]`, the index of the last bar of `series` (timeframe length `tfMs`) that has
 * closed by then (open + tfMs ≤ at[i]), or −1. `at` must be ascending.
 */
export function lastClosedBy(series: CandleSeries, tfMs: number, at: ArrayLike<number>): Int32Array {
  const out = new Int32Array(at.length);
  let k = -1;
  for (let i = 0; i < at.length; i++) {
    while (k + 1 < series.length && series.ts[k + 1] + tfMs <= at[i]) k++;
    out[i] = k;
  }
  return out;
}
