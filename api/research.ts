import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CandleSeries } from '../data/candles/series.ts';
import type { Timeframe } from '../data/timeframes.ts';
import type { BacktestConfig } from '../engine/backtest/config.ts';
import { feedHash } from '../engine/backtest/feed.ts';
import { warmupMs } from '../engine/research/config-schema.ts';
import type { BacktestJobContext } from '../engine/research/jobs/backtest-job.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from '../engine/research/outcome.ts';
import { ResearchPool } from '../engine/research/pool/pool.ts';
import { ResultLogWriter, readResultLog } from '../engine/research/pool/results-log.ts';
import { type CandleQuery, loadCandles } from './candles.ts';
import { PACKAGE_VERSION } from './config.ts';
import type { WarningCallback } from './progress.ts';

/*
 * What sweep, walk-forward and compare share: the candles in shared memory with the warm-up every config
 * needs, the identity of those candles, the worker pool running backtests, and the resumable results log
 * of a run directory.
 */

/** The research pool's backtest job module (`new ResearchPool({ jobModule: BACKTEST_JOB, … })`). */
export const BACKTEST_JOB: string = new URL('../engine/research/jobs/backtest-job.ts', import.meta.url).href;

/** Worker threads when a workflow is not told: the machine's available parallelism. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The longest warm-up (ms of base bars) any of `configs` needs. */
export function maxWarmup(configs: readonly BacktestConfig[], base: Timeframe): number {
  let w = 0;
  for (const c of configs) w = Math.max(w, warmupMs(c, base));
  return w;
}

/**
 * The query's base candles in shared memory, with the warm-up the longest of `configs` needs before
 * `from`; and that warm-up.
 */
export async function loadResearchCandles(
  query: CandleQuery,
  configs: readonly BacktestConfig[],
): Promise<{ candles: CandleSeries[]; base: Timeframe; warmup: number }> {
  let warmup = 0;
  const candles = await loadCandles(query, {
    shared: true,
    warmup: (base) => {
      warmup = maxWarmup(configs, base);
      return warmup;
    },
  });
  return { candles, base: candles[0].timeframe, warmup };
}

/** Identity of the loaded candles (feedHash of the base series, in symbol order). */
export function candlesHash(candles: readonly CandleSeries[]): string {
  const byTf: Record<string, Partial<Record<Timeframe, CandleSeries>>> = {};
  for (const s of candles) byTf[s.symbol] = { [s.timeframe]: s };
  return feedHash(byTf, candles[0].timeframe, undefined);
}

/** The traded span of `from`/`to` with warm-up before it; undefined when the whole data is traded. */
export function scopeSpan(query: Pick<CandleQuery, 'from' | 'to'>, warmup: number): BacktestSpan | undefined {
  if (query.from === undefined && query.to === undefined) return undefined;
  const tradeFrom = query.from ?? Number.MIN_SAFE_INTEGER;
  return {
    from: query.from === undefined ? Number.MIN_SAFE_INTEGER : query.from - warmup,
    to: query.to ?? Number.MAX_SAFE_INTEGER,
    tradeFrom,
  };
}

/** The research pool running `runBacktest` per config on shared candles. */
export type BacktestPool = ResearchPool<BacktestJobContext, ConfigTask<BacktestConfig>, ConfigOutcome>;

/** A pool of `workers` threads (0: in this thread) over `candles`; close it when done. */
export function openBacktestPool(candles: readonly CandleSeries[], workers: number): BacktestPool {
  return new ResearchPool<BacktestJobContext, ConfigTask<BacktestConfig>, ConfigOutcome>({
    jobModule: BACKTEST_JOB,
    candles,
    context: { baseTimeframe: candles[0].timeframe, packageVersion: PACKAGE_VERSION },
    workers,
  });
}

/**
 * The resumable results log of a run directory (created if missing): outcomes known from an earlier run,
 * and a writer that appends (fsync'd) new ones. Unreadable lines are reported through `onWarning` and
 * ignored (their configs run again).
 */
export function openResultsLog(
  dir: string,
  onWarning?: WarningCallback,
): { known: Map<string, ConfigOutcome>; writer: ResultLogWriter } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.jsonl');
  const contents = readResultLog<ConfigOutcome>(path);
  if (contents.discarded.length) {
    onWarning?.(
      `${path}: ${contents.discarded.length} unreadable line(s) ignored (${contents.discarded[0]})`,
      'results-log-discarded',
    );
  }
  const writer = new ResultLogWriter(path);
  return { known: contents.records, writer };
}
