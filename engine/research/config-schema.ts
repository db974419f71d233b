import type { z } from 'zod';
import { checkConfigInvariants } from '../../config/invariants.ts';
import type { Timeframe } from '../../data/timeframes.ts';
import { type BacktestConfig, BacktestConfigSchema } from '../backtest/config.ts';
import { requiredWarmupMs } from './checks/warmup.ts';

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
 * Warm-up a run of `config` needs before its first tradeable bar, in ms of base bars: the required
 * warm-up of engine/research/checks/warmup.ts — the longest of its strategies' declared warm-ups and of
 * each smoothed input's bound at `backtest.warmup_epsilon` (the rule is stated there).
 */
export function warmupMs(config: BacktestConfig, base: Timeframe): number {
  return requiredWarmupMs(config, base);
}
