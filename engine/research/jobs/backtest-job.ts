import { type CandleSeries, lowerBound, sliceSeries } from '../../../data/candles/series.ts';
import { resample } from '../../../data/resample/resample.ts';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../data/timeframes.ts';
import type { CandlesByTimeframe } from '../../../strategies/strategy.ts';
import type { BacktestConfig } from '../../backtest/config.ts';
import type { BacktestFeed } from '../../backtest/feed.ts';
import { runBacktest } from '../../backtest/run.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from '../outcome.ts';
import type { JobInit } from '../pool/job.ts';
import { outcomeOf } from './backtest-outcome.ts';

/**
 * The research pool's backtest job: runs `runBacktest(config, feed)` for each task on the shared candles
 * (one base-timeframe series per symbol). Feeds are cached per span inside the worker: the sliced base
 * series (views, no copy) and every coarser timeframe resampled from it are built once per (symbol, span)
 * and reused by every config, so the candle arrays keep their identity across configs (which keyed
 * feature caches need) and resampling is not repeated.
 */
export interface BacktestJobContext {
  baseTimeframe: Timeframe;
  packageVersion?: string;
}

export function createJob(init: JobInit<BacktestJobContext>) {
  const { baseTimeframe } = init.context;
  const bases = init.candles.filter((s) => s.timeframe === baseTimeframe);
  if (bases.length === 0) throw new Error(`the research pool got no ${baseTimeframe} candles`);
  const feeds = new Map<string, BacktestFeed>();
  const coarser = TIMEFRAMES.filter((tf) => TIMEFRAME_MS[tf] > TIMEFRAME_MS[baseTimeframe]);

  const feedFor = (span: BacktestSpan | undefined): BacktestFeed => {
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
    feeds.set(key, feed);
    return feed;
  };

  return async (task: ConfigTask<BacktestConfig>): Promise<ConfigOutcome> => {
    const result = await runBacktest(task.config, feedFor(task.span), {
      packageVersion: init.context.packageVersion,
    });
    return outcomeOf(result, task.detail ?? false);
  };
}
