import { type BacktestFromStoreResult, backtestFromStore as backtestFromStoreApi } from '../api/backtest.ts';
import { fmtDuration, fmtNumber, fmtPct } from '../reports/html/format.ts';
import type { CandleScope } from './options.ts';
import { progressDriver } from './progress.ts';

/**
 * What `smc backtest` and `smc demo` print about a backtest (api/backtest.ts runs it), and the command's
 * call into the API with a progress bar.
 */

/** The config loader (api/config.ts), for callers that load configs through here (chart.ts). */
export { loadBacktestConfig } from '../api/config.ts';

/** `smc backtest`'s parsed flags. */
export interface BacktestCliOptions {
  readonly scope: CandleScope;
  readonly configFile?: string;
  readonly source?: string;
  /** Run directory; default runs/backtest-<config hash>-<data hash> (the same inputs reuse it). */
  readonly out?: string;
  /** Report title. */
  readonly title?: string;
  /** Trade charts to pre-draw: a count, every trade, or none (default: the API's 20). */
  readonly charts?: number | 'all' | 'none';
}

/** What the command prints from. */
export type BacktestCliOutcome = BacktestFromStoreResult;

/** api/backtest.ts's backtestFromStore for the parsed flags, with a progress bar unless --json. */
export async function backtestFromStore(opts: BacktestCliOptions): Promise<BacktestCliOutcome> {
  const bar = progressDriver({ json: opts.scope.json });
  return backtestFromStoreApi({
    ...opts.scope,
    ...(opts.source === undefined ? {} : { source: opts.source }),
    ...(opts.configFile === undefined ? {} : { config: opts.configFile }),
    ...(opts.out === undefined ? {} : { out: opts.out }),
    ...(opts.title === undefined ? {} : { title: opts.title }),
    ...(opts.charts === undefined
      ? {}
      : {
          charts:
            opts.charts === 'none'
              ? false
              : { maxTrades: opts.charts === 'all' ? Number.POSITIVE_INFINITY : opts.charts },
        }),
    onProgress: (done, total) => {
      bar.report(done, total, 'backtest');
      if (done === total) bar.stop();
    },
  }).finally(() => bar.stop());
}

/** The machine-readable summary (`--json`). */
export function backtestSummaryJson(o: BacktestCliOutcome): Record<string, unknown> {
  const r = o.result;
  return {
    runDir: o.run.dir,
    report: o.run.files.report,
    resultHash: r.resultHash,
    configHash: r.configHash,
    dataHash: r.dataHash,
    symbols: r.symbols,
    baseTimeframe: r.baseTimeframe,
    from: r.from === null ? null : new Date(r.from).toISOString(),
    to: r.to === null ? null : new Date(r.to).toISOString(),
    finalEquity: r.finalEquity,
    metrics: r.metrics,
    funnel: r.funnel,
  };
}

/** A few lines for people: the headline metrics, the funnel, where the run went. */
export function formatBacktestSummary(o: BacktestCliOutcome): string {
  const r = o.result;
  const m = r.metrics;
  const span =
    r.from === null || r.to === null
      ? 'no bars'
      : `${new Date(r.from).toISOString().slice(0, 10)} → ${new Date(r.to).toISOString().slice(0, 10)}`;
  const lines = [
    `backtest ${r.symbols.join(', ')} on ${r.baseTimeframe}, ${span}`,
    `  equity ${fmtNumber(m.startEquity)} → ${fmtNumber(m.finalEquity)} (${fmtPct(m.totalReturn)}), CAGR ${fmtPct(m.cagr)}, ` +
      `Sharpe ${fmtNumber(m.sharpe)}, Sortino ${fmtNumber(m.sortino)}, max drawdown ${fmtPct(m.maxDrawdown)}`,
    `  trades ${m.closedTrades} closed + ${m.openTrades} open, win rate ${fmtPct(m.winRate)}, profit factor ` +
      `${fmtNumber(m.profitFactor)}, expectancy ${fmtNumber(m.expectancy)}, avg hold ${fmtDuration(m.avgHoldMs)}, ` +
      `exposure ${fmtPct(m.exposure)}, fees ${fmtNumber(m.feesPaid)}, funding ${fmtNumber(m.fundingPaid)}`,
  ];
  for (const f of r.funnel.strategies) {
    const entered = f.outcomes.find((x) => x.outcome === 'entered')?.count ?? 0;
    const top = [...f.rejected].sort((a, b) => b.count - a.count)[0];
    lines.push(
      `  ${f.strategyId}: ${f.evaluated.toLocaleString('en-US')} decisions → ${f.signals.toLocaleString('en-US')} signals → ` +
        `${entered} entries${top ? ` (top rejection ${top.reason}: ${top.count.toLocaleString('en-US')})` : ''}`,
    );
  }
  lines.push(
    `  result ${r.resultHash.slice(0, 16)}  config ${r.configHash.slice(0, 16)}  data ${r.dataHash.slice(0, 16)}`,
  );
  lines.push(`run directory: ${o.run.dir}`);
  lines.push(`report:        ${o.run.files.report}`);
  return lines.join('\n');
}
