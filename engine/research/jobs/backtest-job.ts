import { type CandleSeries, lowerBound, sliceSeries } from '../../../data/candles/series.ts';
import { resample } from '../../../data/resample/resample.ts';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../data/timeframes.ts';
import { FeatureCache } from '../../../strategies/smc/context/feature-cache.ts';
import type { CandlesByTimeframe } from '../../../strategies/strategy.ts';
import type { BacktestConfig } from '../../backtest/config.ts';
import { type BacktestFeed, feedHash } from '../../backtest/feed.ts';
import { runBacktest } from '../../backtest/run.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from '../outcome.ts';
import type { JobInit } from '../pool/job.ts';
import { outcomeOf } from './backtest-outcome.ts';

/**
 * The research pool's backtest job: runs `runBacktest(config, feed)` for each task on the shared candles
 * (one base-timeframe series per symbol). Feeds are cached per span inside the worker: the sliced base
 * series (views, no copy) and every coarser timeframe resampled from it are built once per (symbol, span)
 * and reused by every config, so the candle arrays keep their identity across configs (which keyed
 * feature caches need) and resampling is not repeated. Each feed is hashed once, and one worker-level
 * {@link FeatureCache} lets configs that differ only in later gates share the SMC feature series.
 */
export interface BacktestJobContext {
  baseTimeframe: Timeframe;
  packageVersion?: string;
}

export function createJob(init: JobInit<BacktestJobContext>) {
  const { baseTimeframe } = init.context;
  const bases = init.candles.filter((s) => s.timeframe === baseTimeframe);
  if (bases.length === 0) throw new Error(`the research pool got no ${baseTimeframe} candles`);
  const feeds = new Map<string, { feed: BacktestFeed; dataHash: string }>();
  const featureCache = new FeatureCache();
  const coarser = TIMEFRAMES.filter((tf) => TIMEFRAME_MS[tf] > TIMEFRAME_MS[baseTimeframe]);

  const feedFor = (span: BacktestSpan | undefined): { feed: BacktestFeed; dataHash: string } => {
    const key = span ? `${span.from}:${span.to}:${span.tradeFrom}` : 'all';
    const hit = feeds.get(key);
    if (hit !== undefined) return hit;
    const candles: Record<string, CandlesByTimeframe> = {};
    for (const full of bases) {
      const base: CandleSeries = span
        ? sliceSeries(full, lowerBound(full.ts, span.from), lowerBound(full.ts, span.to))
        : full;
      if (base.length === 0) continue;
      const byTf: CandlesByTimeframe = { [baseTimeframe]: base };
      for (const tf of coarser) byTf[tf] = resample(base, tf);
      candles[full.symbol] = byTf;
    }
    const feed: BacktestFeed = { baseTimeframe, candles, ...(span ? { tradeFrom: span.tradeFrom } : {}) };
    const entry = { feed, dataHash: feedHash(feed.candles, feed.baseTimeframe, feed.tradeFrom) };
    feeds.set(key, entry);
    return entry;
  };

  return async (task: ConfigTask<BacktestConfig>): Promise<ConfigOutcome> => {
    const { feed, dataHash } = feedFor(task.span);
    const result = await runBacktest(task.config, feed, {
      packageVersion: init.context.packageVersion,
      featureCache,
      dataHash,
    });
    return outcomeOf(result, task.detail ?? false);
  };
}
