import type { CandleSeries } from '../../../data/candles/series.ts';
import { resample } from '../../../data/resample/resample.ts';
import { EmaCrossStrategy } from '../../../strategies/ema-cross/ema-cross.ts';
import {
  MOMENTUM_KIND,
  MomentumStrategy,
  MomentumStrategySpecSchema,
  momentumConfigOfSpec,
} from '../../../strategies/momentum/index.ts';
import { SmcStrategy } from '../../../strategies/smc/pipeline.ts';
import type { CandlesByTimeframe, Decision, Strategy } from '../../../strategies/strategy.ts';
import type { BacktestConfig, StrategySpec } from '../../backtest/config.ts';

/** A strategy of a config, under the id its decisions carry in traces and reports. */
export interface NamedStrategy {
  readonly id: string;
  /** Config kind (`smc`, `ema_cross`, `momentum_breakdown`), or a free label for test strategies. */
  readonly kind: string;
  readonly strategy: Strategy<Decision<object>>;
}

/** A `backtest.strategies[]` entry: a registered spec, or one of a kind the spec union does not list yet. */
export type StrategySpecLike = StrategySpec | { readonly kind: string; readonly id: string };

/**
 * The Strategy of one `backtest.strategies[]` entry. `momentum_breakdown` entries are validated here
 * with their own schema (strategies/momentum/config.ts), so this works before and after the kind is
 * registered in engine/backtest/config.ts.
 */
export function strategyOfSpec(
  spec: StrategySpecLike,
  config: Pick<BacktestConfig, 'strategy'>,
): Strategy<Decision<object>> {
  const kind: string = spec.kind;
  if (kind === MOMENTUM_KIND) {
    const parsed = MomentumStrategySpecSchema.parse(spec);
    return new MomentumStrategy(momentumConfigOfSpec(parsed), parsed.id);
  }
  if ('fast' in spec && spec.kind === 'ema_cross') {
    return new EmaCrossStrategy({ fast: spec.fast, slow: spec.slow }, spec.id);
  }
  if (kind === 'smc') return new SmcStrategy(config.strategy);
  throw new Error(
    `backtest.strategies: kind '${kind}' is unknown to the checks: use smc, ema_cross or ${MOMENTUM_KIND}`,
  );
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
