import type { z } from 'zod';
import type { CandleSeries } from '../../../data/candles/series.ts';
import { resample } from '../../../data/resample/resample.ts';
import { EmaCrossStrategy } from '../../../strategies/ema-cross/ema-cross.ts';
import { MOMENTUM_KIND, MomentumStrategy, momentumConfigOfSpec } from '../../../strategies/momentum/index.ts';
import type { FeatureCache } from '../../../strategies/smc/context/feature-cache.ts';
import { SmcStrategy } from '../../../strategies/smc/pipeline.ts';
import type { CandlesByTimeframe, Decision, Strategy } from '../../../strategies/strategy.ts';
import { type BacktestConfig, StrategySpecSchema } from '../../backtest/config.ts';

/** A `backtest.strategies[]` entry as written (defaults not yet filled in) or as parsed. */
export type StrategySpecInput = z.input<typeof StrategySpecSchema>;

/** A strategy of a config, under the id its decisions carry in traces and reports. */
export interface NamedStrategy {
  readonly id: string;
  /** Config kind (`smc`, `ema_cross`, `momentum_breakdown`), or a free label for test strategies. */
  readonly kind: string;
  readonly strategy: Strategy<Decision<object>>;
}

/**
 * The Strategy of one `backtest.strategies[]` entry: the one registry of strategy kinds outside the
 * backtest runner (the checks, the research warm-up and the live runner use it; engine/backtest/run.ts
 * builds the same strategies, with its feature cache). `cache` is handed to SMC, which reuses
 * structure features built for the same candle arrays.
 */
export function strategyOfSpec(
  input: StrategySpecInput,
  config: Pick<BacktestConfig, 'strategy'>,
  cache?: FeatureCache,
): Strategy<Decision<object>> {
  // parsed (again) so that a bare `{ kind, id }` built in code gets its defaults
  const spec = StrategySpecSchema.parse(input);
  switch (spec.kind) {
    case 'smc':
      return new SmcStrategy(config.strategy, cache === undefined ? {} : { cache });
    case 'ema_cross':
      return new EmaCrossStrategy({ fast: spec.fast, slow: spec.slow }, spec.id);
    case MOMENTUM_KIND:
      return new MomentumStrategy(momentumConfigOfSpec(spec), spec.id);
  }
}

/** Every strategy a config runs (`backtest.strategies`), in config order. */
export function strategiesOfConfig(config: BacktestConfig): NamedStrategy[] {
  return config.backtest.strategies.map((spec) => ({
    id: spec.id,
    kind: spec.kind,
    strategy: strategyOfSpec(spec, config),
  }));
}

/**
 * A base series with every timeframe `strategy` reads, resampled from it (closed buckets only, as
 * `smc scan` and the backtest feed do): the partial bucket at the end of the data is never a bar.
 */
export function candlesFor(base: CandleSeries, strategy: Strategy<Decision<object>>): CandlesByTimeframe {
  const out: CandlesByTimeframe = { [base.timeframe]: base };
  for (const tf of strategy.requiredTimeframes(base.timeframe)) out[tf] ??= resample(base, tf);
  return out;
}
