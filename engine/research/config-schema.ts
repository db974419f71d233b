import type { z } from 'zod';
import { checkConfigInvariants } from '../../config/invariants.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { type BacktestConfig, BacktestConfigSchema } from '../backtest/config.ts';

/**
 * The full config a research run validates every grid point and variant against: the backtest config
 * (strategy, risk, positions, safety, sim and the `backtest:` section with the strategies to run) plus
 * the cross-field invariants the config loader enforces (config/invariants.ts, seed Bugs 1 and 2), so a
 * grid cannot sweep into a config `smc backtest` would refuse.
 */
export const ResearchConfigSchema: z.ZodType<BacktestConfig> = BacktestConfigSchema.superRefine((c, ctx) => {
  for (const v of checkConfigInvariants(c)) {
    ctx.addIssue({ code: 'custom', path: [...v.rule.path], message: v.message });
  }
});

/**
 * Warm-up a run of `config` needs before its first tradeable bar, in ms of base bars: the longest of its
 * strategies' declared warm-ups (Strategy.warmupBars).
 */
export function warmupMs(config: BacktestConfig, base: Timeframe): number {
  let bars = 0;
  for (const spec of config.backtest.strategies) {
    const strategy =
      spec.kind === 'smc'
        ? new SmcStrategy(config.strategy)
        : new EmaCrossStrategy({ fast: spec.fast, slow: spec.slow }, spec.id);
    bars = Math.max(bars, strategy.warmupBars(base));
  }
  return bars * TIMEFRAME_MS[base];
}
