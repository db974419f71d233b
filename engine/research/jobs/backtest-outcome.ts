import type { BacktestResult, Funnel } from '../../backtest/types.ts';
import { SCALAR_METRICS } from '../../metrics/compute.ts';
import type { ConfigOutcome } from '../outcome.ts';
import { dailyReturnsFromEquity } from '../stats/daily-returns.ts';

/**
 * The research view of a backtest result: scalar metrics, trade count, result hash, daily returns and
 * the funnel; with `detail`, the equity curve and trades as well. Everything else stays in the worker.
 */
export function outcomeOf(result: BacktestResult, detail = false): ConfigOutcome {
  const metrics: Record<string, number | null> = {};
  for (const m of SCALAR_METRICS) metrics[m] = result.metrics[m];
  const d = dailyReturnsFromEquity(result.equity.ts, result.equity.equity);
  const funnel = funnelRecord(result.funnel);
  return {
    metrics,
    trades: result.metrics.trades,
    resultHash: result.resultHash,
    firstDay: d.days.length > 0 ? d.days[0] : null,
    daily: Array.from(d.returns),
    finalEquity: result.metrics.finalEquity,
    funnel,
    ...(detail
      ? {
          equity: { ts: Array.from(result.equity.ts), equity: Array.from(result.equity.equity) },
          tradeList: [...result.trades],
        }
      : {}),
  };
}

/** The per-gate funnel as flat counts per strategy: evaluated, rejected:<reason>, signals, outcome:<what>. */
export function funnelRecord(f: Funnel): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of f.strategies) {
    const row: Record<string, number> = { evaluated: s.evaluated, signals: s.signals };
    for (const r of s.rejected) row[`rejected:${r.reason}`] = r.count;
    for (const o of s.outcomes) row[`outcome:${o.outcome}`] = o.count;
    out[s.strategyId] = row;
  }
  return out;
}
