import type { CandleSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import type { CandlesByTimeframe } from '../strategy.ts';
import type { StrategyConfig } from './config.ts';
import type { FeatureCache } from './context/feature-cache.ts';
import type { SmcDecision } from './decision.ts';
import { buildFunnel, type Funnel, type FunnelCounts } from './funnel.ts';
import { runPipeline, smcTimeframes, smcWarmupBars } from './pipeline.ts';

export interface ScanOptions {
  /** First decision time counted (UTC ms); earlier bars only warm up. */
  from?: number;
  /** Decision times before this are counted (UTC ms, exclusive). */
  to?: number;
  cache?: FeatureCache;
}

export interface ScanResult {
  funnel: Funnel;
  signals: SmcDecision[];
}

/** The base series with every higher timeframe the strategy reads, resampled from it (data/resample). */
export function withHigherTimeframes(base: CandleSeries, config: StrategyConfig): CandlesByTimeframe {
  const out: CandlesByTimeframe = {};
  for (const tf of smcTimeframes(base.timeframe, config)) out[tf] = resample(base, tf);
  return out;
}

/**
 * Open time of the first base bar to load so that decisions from `from` on have had their warm-up
 * (see smcWarmupBars).
 */
export function warmupStart(from: number, base: CandleSeries['timeframe'], config: StrategyConfig): number {
  return from - smcWarmupBars(base, config) * TIMEFRAME_MS[base];
}

/**
 * The funnel of the SMC pipeline over several symbols (`smc scan`): each base series is resampled to
 * the higher timeframes, run through the pipeline, and its decisions in [from, to) counted.
 */
export function scanFunnel(
  bases: readonly CandleSeries[],
  config: StrategyConfig,
  opts: ScanOptions = {},
): ScanResult {
  const perSymbol: Record<string, FunnelCounts> = {};
  const signals: SmcDecision[] = [];
  for (const base of bases) {
    const r = runPipeline(withHigherTimeframes(base, config), config, {
      baseTimeframe: base.timeframe,
      symbol: base.symbol,
      from: opts.from,
      to: opts.to,
      cache: opts.cache,
    });
    perSymbol[base.symbol] = r.funnel;
    signals.push(...r.decisions.signals);
  }
  return { funnel: buildFunnel(perSymbol), signals };
}
