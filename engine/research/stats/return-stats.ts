import { returnMoments, sharpeOf } from './moments.ts';

/** Crypto perpetuals trade every day of the year. */
export const DAYS_PER_YEAR = 365;

/** Annualised Sharpe ratio of daily returns (zero risk-free rate); 0 for fewer than 2 days. */
export function annualisedSharpe(daily: ArrayLike<number>, periodsPerYear = DAYS_PER_YEAR): number {
  if (daily.length < 2) return 0;
  return sharpeOf(returnMoments(daily)) * Math.sqrt(periodsPerYear);
}

/** Annualised Sortino ratio: mean over the root mean square of the negative returns (target 0). */
export function annualisedSortino(daily: ArrayLike<number>, periodsPerYear = DAYS_PER_YEAR): number {
  const n = daily.length;
  if (n < 2) return 0;
  let sum = 0;
  let downSq = 0;
  for (let i = 0; i < n; i++) {
    sum += daily[i];
    if (daily[i] < 0) downSq += daily[i] * daily[i];
  }
  const mean = sum / n;
  const downside = Math.sqrt(downSq / n);
  if (downside === 0) return mean === 0 ? 0 : mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return (mean / downside) * Math.sqrt(periodsPerYear);
}

/** Compounded total return of the daily returns. */
export function totalReturn(daily: ArrayLike<number>): number {
  let g = 1;
  for (let i = 0; i < daily.length; i++) g *= 1 + daily[i];
  return g - 1;
}

/** Mean daily return. */
export function meanReturn(daily: ArrayLike<number>): number {
  if (daily.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < daily.length; i++) s += daily[i];
  return s / daily.length;
}

/** Maximum drawdown of the compounded daily returns, as a positive fraction of the running peak. */
export function maxDrawdownOfReturns(daily: ArrayLike<number>): number {
  let g = 1;
  let peak = 1;
  let dd = 0;
  for (let i = 0; i < daily.length; i++) {
    g *= 1 + daily[i];
    if (g > peak) peak = g;
    const d = (peak - g) / peak;
    if (d > dd) dd = d;
  }
  return dd;
}

/** The return statistics compare reports with bootstrap intervals, by name. */
export const RETURN_STATISTICS = {
  sharpe: annualisedSharpe,
  sortino: annualisedSortino,
  total_return: totalReturn,
  mean_daily_return: meanReturn,
  max_drawdown: maxDrawdownOfReturns,
} as const satisfies Record<string, (daily: Float64Array) => number>;
export type ReturnStatisticName = keyof typeof RETURN_STATISTICS;
