import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../timeframes.ts';

/**
 * The timeframe a run of bar open times is spaced by: the most common positive step between consecutive
 * finite times among the first `sample` rows, when it is a known timeframe. Undefined otherwise (too
 * few rows, or an unknown spacing such as 5m).
 */
export function inferTimeframeFromSpacing(ts: Float64Array, sample = 2000): Timeframe | undefined {
  const counts = new Map<number, number>();
  let prev = Number.NaN;
  const n = Math.min(ts.length, sample);
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (!Number.isFinite(t)) continue;
    const d = t - prev;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
    prev = t;
  }
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === best);
}
