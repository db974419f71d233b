import { z } from 'zod';
import { PositionsConfigSchema } from '../engine/positions/config.ts';
import { RiskConfigSchema } from '../engine/risk/config.ts';
import { SafetyConfigSchema } from '../engine/safety/config.ts';
import { SimConfigSchema } from '../engine/sim/config.ts';
import { StrategyConfigSchema } from '../strategies/smc/config.ts';
import { checkConfigInvariants } from './invariants.ts';

/**
 * The whole config: one section per domain, each section's schema living beside the code it configures
 * (NautilusTrader-style `risk/config`), composed here. Every field has a default; the YAML files in
 * config/defaults/ show them (a test keeps the two equal — seed §7 "Config Changes Need Coordinated
 * Updates"). Unknown keys are refused by name. The cross-field rules of config/invariants.ts run last.
 *
 * Sections: `strategy` (strategies/smc/config.ts), `risk` (engine/risk/config.ts), `positions`
 * (engine/positions/config.ts), `safety` (engine/safety/config.ts, defaults in safety.yaml), `sim`
 * (engine/sim/config.ts, the simulated venue of backtests and paper runs).
 */
export const SmcConfigShape = z.strictObject({
  strategy: StrategyConfigSchema.prefault({}),
  risk: RiskConfigSchema.prefault({}),
  positions: PositionsConfigSchema.prefault({}),
  safety: SafetyConfigSchema.prefault({}),
  sim: SimConfigSchema.prefault({}),
});

export const SmcConfigSchema = SmcConfigShape.superRefine((c, ctx) => {
  for (const v of checkConfigInvariants(c)) {
    ctx.addIssue({ code: 'custom', path: [...v.rule.path], message: v.message, params: { rule: v.rule.id } });
  }
});

export type SmcConfig = z.output<typeof SmcConfigSchema>;
export type SmcConfigInput = z.input<typeof SmcConfigSchema>;
