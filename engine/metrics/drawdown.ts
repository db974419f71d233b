import type { EquityCurve } from './trade-record.ts';

/**
 * Drawdown of an equity curve, measured against its running peak:
 * drawdown(t) = 1 − equity(t) / max(equity(0..t)), a positive fraction.
 */
export interface DrawdownStats {
  /** Largest drawdown, a fraction in [0, 1] (0.25 = 25% below the peak). */
  maxDrawdown: number;
  /** Time of the peak the largest drawdown fell from (null for an empty curve). */
  peakTs: number | null;
  /** Time of its trough. */
  troughTs: number | null;
  /** First time equity was back at or above that peak; null when it never recovered. */
  recoveryTs: number | null;
  /**
   * Duration of the largest drawdown in ms: peak to recovery, or peak to the end of the curve when it
   * never recovered.
   */
  maxDrawdownDurationMs: number;
  /** Longest time spent below a previous peak, whatever the depth (ms). */
  longestDrawdownMs: number;
}

/** The underwater curve: equity / running peak − 1, so 0 at a new high and negative below it. */
export function underwater(curve: EquityCurve): Float64Array {
  const n = curve.equity.length;
  const out = new Float64Array(n);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const e = curve.equity[i];
    if (e > peak) peak = e;
    out[i] = peak > 0 ? e / peak - 1 : 0;
  }
  return out;
}

export function drawdownStats(curve: EquityCurve): DrawdownStats {
  const { ts, equity } = curve;
  const n = equity.length;
  if (n === 0) {
    return {
      maxDrawdown: 0,
      peakTs: null,
      troughTs: null,
      recoveryTs: null,
      maxDrawdownDurationMs: 0,
      longestDrawdownMs: 0,
    };
  }
  let peak = equity[0];
  let peakIdx = 0;
  let maxDd = 0;
  let maxPeakIdx = 0;
  let maxTroughIdx = 0;
  let longest = 0;
  for (let i = 1; i < n; i++) {
    const e = equity[i];
    if (e >= peak) {
      // Back at (or above) the peak: the episode that began at peakIdx is over.
      if (i - 1 > peakIdx) longest = Math.max(longest, ts[i] - ts[peakIdx]);
      peak = e;
      peakIdx = i;
      continue;
    }
    const dd = peak > 0 ? 1 - e / peak : 0;
    if (dd > maxDd) {
      maxDd = dd;
      maxPeakIdx = peakIdx;
      maxTroughIdx = i;
    }
  }
  if (peakIdx < n - 1) longest = Math.max(longest, ts[n - 1] - ts[peakIdx]);

  let recoveryIdx = -1;
  if (maxDd > 0) {
    const peakValue = equity[maxPeakIdx];
    for (let i = maxTroughIdx + 1; i < n; i++) {
      if (equity[i] >= peakValue) {
        recoveryIdx = i;
        break;
      }
    }
  }
  const endIdx = recoveryIdx >= 0 ? recoveryIdx : n - 1;
  return {
    maxDrawdown: maxDd,
    peakTs: maxDd > 0 ? ts[maxPeakIdx] : null,
    troughTs: maxDd > 0 ? ts[maxTroughIdx] : null,
    recoveryTs: recoveryIdx >= 0 ? ts[recoveryIdx] : null,
    maxDrawdownDurationMs: maxDd > 0 ? ts[endIdx] - ts[maxPeakIdx] : 0,
    longestDrawdownMs: longest,
  };
}
