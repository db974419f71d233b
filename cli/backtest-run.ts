import { join } from 'node:path';
import { ZodError } from 'zod';
import { UserError } from '../data/errors.ts';
import { CandleStore } from '../data/store/candle-store.ts';
import { type BacktestConfig, parseBacktestConfig } from '../engine/backtest/config.ts';
import { runBacktest } from '../engine/backtest/run.ts';
import type { BacktestResult } from '../engine/backtest/types.ts';
import { warmupMs } from '../engine/research/config-schema.ts';
import { fmtDuration, fmtNumber, fmtPct } from '../reports/html/format.ts';
import { type RunDirSummary, writeBacktestRun } from '../reports/run-dir/write.ts';
import type { CandlesByTimeframe } from '../strategies/strategy.ts';
import { loadResearchConfig, PACKAGE_VERSION, pickBaseSeries } from './commands/sweep.ts';
import type { CandleScope } from './options.ts';
import { createProgress } from './progress.ts';
import { formatZodError } from './run-action.ts';

/**
 * `smc backtest` (and the backtest step of `smc demo`): config → candles from the store (with warm-up
 * history before --from) → runBacktest → run directory. The engine returns plain data; every file is
 * written here, at the edge.
 */

export interface BacktestCliOptions {
  readonly scope: CandleScope;
  readonly configFile?: string;
  readonly source?: string;
  /** Run directory; default runs/backtest-<config hash>-<data hash> (the same inputs reuse it). */
  readonly out?: string;
  /** Report title. */
  readonly title?: string;
}

export interface BacktestCliOutcome {
  readonly result: BacktestResult;
  readonly run: RunDirSummary;
  readonly config: BacktestConfig;
}

/** The config of `--config FILE` (over the defaults, with its `backtest:` section), validated. */
export function loadBacktestConfig(file: string | undefined): BacktestConfig {
  const raw = loadResearchConfig(file);
  try {
    return parseBacktestConfig(raw);
  } catch (err) {
    if (err instanceof ZodError)
      throw new UserError(`invalid config ${file ?? '(defaults)'}: ${formatZodError(err)}`);
    throw err;
  }
}

export async function backtestFromStore(opts: BacktestCliOptions): Promise<BacktestCliOutcome> {
  const { scope } = opts;
  const config = loadBacktestConfig(opts.configFile);
  const store = await CandleStore.open(scope.db, { readOnly: true });
  let candles: Record<string, CandlesByTimeframe>;
  let base: BacktestResult['baseTimeframe'];
  try {
    const picked = pickBaseSeries(await store.list(), scope.symbols, scope.timeframe, opts.source);
    base = picked[0].timeframe;
    const warmup = warmupMs(config, base);
    const from = scope.from === undefined ? undefined : scope.from - warmup;
    const series = await store.readMany(picked, { from, to: scope.to });
    const empty = series.filter((s) => s.length === 0).map((s) => s.symbol);
    if (empty.length > 0) {
      throw new UserError(
        `no ${base} candles of ${empty.join(', ')} between --from and --to: widen the range`,
      );
    }
    candles = Object.fromEntries(series.map((s) => [s.symbol, { [base]: s }]));
  } finally {
    await store.close();
  }

  const progress = createProgress({ json: scope.json });
  let started = false;
  const result = await runBacktest(
    config,
    { baseTimeframe: base, candles, ...(scope.from === undefined ? {} : { tradeFrom: scope.from }) },
    {
      packageVersion: PACKAGE_VERSION,
      onProgress: (done, total) => {
        if (!started) {
          progress.start(total, 'backtest');
          started = true;
        }
        progress.update(done);
      },
    },
  ).finally(() => progress.stop());

  const dir =
    opts.out ?? join('runs', `backtest-${result.configHash.slice(0, 8)}-${result.dataHash.slice(0, 8)}`);
  const run = await writeBacktestRun(dir, result, {
    config,
    versions: { node: process.version },
    ...(opts.title ? { title: opts.title } : {}),
  });
  return { result, run, config };
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

/** Where `smc demo` writes its backtest (the same each time, so reruns replace it). */
export const DEMO_RUN_DIR = join('runs', 'demo');

/**
 * The backtest step of `smc demo`: the default config over every bundled sample symbol on the 1h base,
 * written to runs/demo with its report.
 */
export async function demoBacktest(
  db: string,
  sample: readonly { symbol: string; source: string }[],
  json: boolean,
): Promise<BacktestCliOutcome> {
  const symbols = [...new Set(sample.map((s) => s.symbol))].sort();
  const sources = [...new Set(sample.map((s) => s.source))];
  return backtestFromStore({
    scope: { db, symbols, timeframe: '1h', json },
    ...(sources.length === 1 ? { source: sources[0] } : {}),
    out: DEMO_RUN_DIR,
    title: `smc demo: SMC backtest of the bundled sample (${symbols.join(', ')}, 1h)`,
  });
}
