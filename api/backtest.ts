import { join } from 'node:path';
import type { BacktestConfig } from '../engine/backtest/config.ts';
import { runBacktest } from '../engine/backtest/run.ts';
import type { BacktestResult } from '../engine/backtest/types.ts';
import { warmupMs } from '../engine/research/config-schema.ts';
import { type RunDirSummary, writeBacktestRun } from '../reports/run-dir/write.ts';
import { type CandleQuery, loadFeed } from './candles.ts';
import { type ConfigSource, loadBacktestConfig, PACKAGE_VERSION } from './config.ts';
import { abortingProgress, type ProgressCallback } from './progress.ts';

/**
 * A backtest over stored candles into a run directory: config → candles from the store (with the warm-up
 * history the config needs before `from`) → runBacktest → result.json, trades, equity, decision trace and
 * report.html. The engine returns plain data; every file is written here.
 */
export interface BacktestFromStoreOptions extends CandleQuery {
  /** A YAML config file or config document over the defaults (may hold a `backtest:` section). */
  readonly config?: ConfigSource;
  /** Run directory; default {@link backtestRunDir} (the same inputs reuse it). */
  readonly out?: string;
  /** Report title. */
  readonly title?: string;
  /** Bars done of bars total, about every 1% of the run. */
  readonly onProgress?: ProgressCallback;
  /** Stops the run at its next progress report (throws the signal's reason). */
  readonly signal?: AbortSignal;
  /**
   * Signal charts drawn into the run's charts/ for the report to link (SMC runs only; ~0.15 s of CPU
   * each): how many trades and rejected candidates (default 20 and 6), or false for none.
   */
  readonly charts?: false | { readonly maxTrades?: number; readonly rejected?: number };
}

/** A finished store-backed backtest: the engine's result, where it was written, the config used. */
export interface BacktestFromStoreResult {
  readonly result: BacktestResult;
  /** The run directory and its files. */
  readonly run: RunDirSummary;
  /** The validated config the run used. */
  readonly config: BacktestConfig;
}

/** The default run directory of a result: runs/backtest-<config hash>-<data hash>. */
export function backtestRunDir(result: Pick<BacktestResult, 'configHash' | 'dataHash'>): string {
  return join('runs', `backtest-${result.configHash.slice(0, 8)}-${result.dataHash.slice(0, 8)}`);
}

/** Runs a backtest on the store's candles and writes its run directory. */
export async function backtestFromStore(opts: BacktestFromStoreOptions): Promise<BacktestFromStoreResult> {
  const config = loadBacktestConfig(opts.config);
  opts.signal?.throwIfAborted();
  const feed = await loadFeed(opts, { warmup: (base) => warmupMs(config, base) });
  const result = await runBacktest(config, feed, {
    packageVersion: PACKAGE_VERSION,
    onProgress: abortingProgress(opts.signal, opts.onProgress),
  });
  const smcIds = config.backtest.strategies.filter((s) => s.kind === 'smc').map((s) => s.id);
  const bases = Object.fromEntries(
    Object.entries(feed.candles).flatMap(([symbol, byTf]) => {
      const base = byTf[feed.baseTimeframe];
      return base ? [[symbol, base] as const] : [];
    }),
  );
  const run = await writeBacktestRun(opts.out ?? backtestRunDir(result), result, {
    config,
    versions: { node: process.version },
    ...(opts.title ? { title: opts.title } : {}),
    // the candles are in memory only here: draw the trades' signal charts now, for the report to link
    ...(smcIds.length > 0 && opts.charts !== false
      ? { charts: { candles: bases, strategy: config.strategy, smcStrategyIds: smcIds, ...opts.charts } }
      : {}),
  });
  return { result, run, config };
}
