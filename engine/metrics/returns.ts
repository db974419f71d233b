import { dailyReturnsFromEquity } from '../research/stats/daily-returns.ts';
import { annualisedSharpe, annualisedSortino, DAYS_PER_YEAR } from '../research/stats/return-stats.ts';
import type { EquityCurve } from './trade-record.ts';

const DAY_MS = 86_400_000;

/**
 * Return statistics of an equity curve. Conventions (the same module computes them for `smc compare`,
 * engine/research/stats, so a backtest report and a variant comparison agree):
 * - Daily returns: the equity of a UTC day is the last sample at or before its end, carried forward over
 *   days without samples; the first day's return is measured from the first sample.
 * - Sharpe = mean / sample standard deviation (n − 1) of the daily returns × √365, risk-free rate 0
 *   (crypto perpetuals trade every day).
 * - Sortino = mean / √(Σ min(r, 0)² / n) × √365, target 0 (Sortino & Price downside deviation over all n).
 * - CAGR = (final / start)^(1 / years) − 1 with years = span / 365 days; −1 when equity went to 0 or
 *   below.
 * Ratios that are undefined (fewer than 2 days, no variation) are null, never ±Infinity, so they survive
 * JSON and Parquet.
 */
export interface ReturnStats {
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Number of daily returns the ratios were computed over. */
  days: number;
}

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function totalReturn(startEquity: number, finalEquity: number): number {
  return startEquity > 0 ? finalEquity / startEquity - 1 : 0;
}

export function cagr(startEquity: number, finalEquity: number, spanMs: number): number | null {
  if (!(startEquity > 0) || !(spanMs > 0)) return null;
  if (finalEquity <= 0) return -1;
  const years = spanMs / (DAYS_PER_YEAR * DAY_MS);
  return finiteOrNull((finalEquity / startEquity) ** (1 / years) - 1);
}

export function returnStats(curve: EquityCurve, startEquity: number): ReturnStats {
  const n = curve.equity.length;
  if (n === 0) return { totalReturn: 0, cagr: null, sharpe: null, sortino: null, days: 0 };
  const final = curve.equity[n - 1];
  const daily = dailyReturnsFromEquity(curve.ts, curve.equity).returns;
  const enough = daily.length >= 2;
  return {
    totalReturn: totalReturn(startEquity, final),
    cagr: cagr(startEquity, final, curve.ts[n - 1] - curve.ts[0]),
    sharpe: enough ? finiteOrNull(annualisedSharpe(daily)) : null,
    sortino: enough ? finiteOrNull(annualisedSortino(daily)) : null,
    days: daily.length,
  };
}
