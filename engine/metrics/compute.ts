import { drawdownStats } from './drawdown.ts';
import { exposure } from './exposure.ts';
import { finiteOrNull, returnStats } from './returns.ts';
import type { EquityCurve, TradeRecord } from './trade-record.ts';
import { type GroupStats, tradeStats } from './trade-stats.ts';

/**
 * Performance statistics of one backtest: plain numbers (null when undefined), so a sweep can put every
 * scalar in a column. See returns.ts, drawdown.ts and trade-stats.ts for the conventions.
 */
export interface Metrics {
  startEquity: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Positive fraction of the running peak. */
  maxDrawdown: number;
  maxDrawdownDurationMs: number;
  longestDrawdownMs: number;
  /** CAGR / max drawdown; null without a drawdown or a CAGR. */
  calmar: number | null;
  trades: number;
  closedTrades: number;
  openTrades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  avgHoldMs: number | null;
  /** Fraction of the curve's span with at least one position open. */
  exposure: number;
  grossPnl: number;
  netPnl: number;
  feesPaid: number;
  fundingPaid: number;
  /** Daily returns the ratios used. */
  days: number;
  byExitReason: Record<string, GroupStats>;
  bySymbol: Record<string, GroupStats>;
}

/** Names of the scalar metrics, in table order (sweep columns, report tables). */
export const SCALAR_METRICS = [
  'startEquity',
  'finalEquity',
  'totalReturn',
  'cagr',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'maxDrawdownDurationMs',
  'longestDrawdownMs',
  'calmar',
  'trades',
  'closedTrades',
  'openTrades',
  'wins',
  'losses',
  'winRate',
  'profitFactor',
  'expectancy',
  'avgWin',
  'avgLoss',
  'avgHoldMs',
  'exposure',
  'grossPnl',
  'netPnl',
  'feesPaid',
  'fundingPaid',
  'days',
] as const satisfies readonly (keyof Metrics)[];
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

export interface MetricsInput {
  /** Equity at each base-bar close, starting with the run's first decision time. */
  curve: EquityCurve;
  trades: readonly TradeRecord[];
  /** Cash the run started with. */
  startEquity: number;
}

export function computeMetrics(input: MetricsInput): Metrics {
  const { curve, trades, startEquity } = input;
  const n = curve.equity.length;
  const finalEquity = n > 0 ? curve.equity[n - 1] : startEquity;
  const r = returnStats(curve, startEquity);
  const dd = drawdownStats(curve);
  const t = tradeStats(trades);
  const span = n > 0 ? [curve.ts[0], curve.ts[n - 1]] : [0, 0];
  return {
    startEquity,
    finalEquity,
    totalReturn: r.totalReturn,
    cagr: r.cagr,
    sharpe: r.sharpe,
    sortino: r.sortino,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDurationMs: dd.maxDrawdownDurationMs,
    longestDrawdownMs: dd.longestDrawdownMs,
    calmar: r.cagr !== null && dd.maxDrawdown > 0 ? finiteOrNull(r.cagr / dd.maxDrawdown) : null,
    trades: t.trades,
    closedTrades: t.closedTrades,
    openTrades: t.openTrades,
    wins: t.wins,
    losses: t.losses,
    winRate: t.winRate,
    profitFactor: t.profitFactor,
    expectancy: t.expectancy,
    avgWin: t.avgWin,
    avgLoss: t.avgLoss,
    avgHoldMs: t.avgHoldMs,
    exposure: exposure(trades, span[0], span[1]),
    grossPnl: t.grossPnl,
    netPnl: t.netPnl,
    feesPaid: t.feesPaid,
    fundingPaid: t.fundingPaid,
    days: r.days,
    byExitReason: t.byExitReason,
    bySymbol: t.bySymbol,
  };
}
