import { z } from 'zod';
import { checkConfigInvariants } from '../../config/invariants.ts';
import { SmcConfigShape } from '../../config/schema.ts';
import { MomentumStrategySpecSchema } from '../../strategies/momentum/config.ts';

/**
 * The strategies a backtest runs, by kind; each competes for the same margin through the same trader.
 * - `smc` (the seed's pipeline, configured by the top-level `strategy:` section): `managed` sizing.
 * - `ema_cross`: the reference EMA crossover (strategies/ema-cross), `target_exposure` sizing with
 *   `fraction` of equity (0.9) and `reverse` on the opposite cross (true).
 * - `momentum_breakdown`: the momentum/breakdown strategy (strategies/momentum, seed §5 option 3),
 *   `managed` sizing like SMC, so the two compete for the same margin through the same auction; its
 *   parameters (channel, atr, stop, targets, trend, warmup) are strategies/momentum/config.ts.
 */
export const StrategySpecSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('smc'), id: z.string().min(1).default('smc') }),
    z.strictObject({
      kind: z.literal('ema_cross'),
      id: z.string().min(1).default('ema-cross'),
      fast: z.number().int().min(1).default(20),
      slow: z.number().int().min(2).default(50),
      fraction: z.number().gt(0).max(10).default(0.9),
      reverse: z.boolean().default(true),
    }),
    MomentumStrategySpecSchema,
  ],
  { error: "backtest.strategies[]: kind must be 'smc', 'ema_cross' or 'momentum_breakdown'" },
);
export type StrategySpec = z.output<typeof StrategySpecSchema>;

/**
 * The `backtest:` section.
 * - `strategies` ([{ kind: smc }]): what runs (see StrategySpecSchema).
 * - `trace` ('signals'): decisions kept in the decision trace — 'all' (every decision, with its
 *   rejecting gate), 'signals' (LONG/SHORT and what the engine did with them), 'none' (funnel counts
 *   only; for sweeps).
 * - `safety` (true): run the invariant monitor / kill switch / auto-recovery each tick it could matter.
 *   Stopless strategies (ema_cross) hold positions without a stop, which the naked-position invariant
 *   halts on: turn it off for them.
 * - `warmup_epsilon` (unset = 1e-4): the seed weight below which an EMA/ATR counts as warmed up; the
 *   history loaded before the first traded bar follows from it (engine/research/checks/warmup.ts states
 *   the rule). Unset keeps the config's hash what it was before the field existed.
 * - `instruments` ({}): tick size, quantity step, minimum quantity and maximum leverage per symbol; any
 *   other symbol gets the simulator's default (engine/sim/instruments.ts: Kraken's PF_ contracts, a fine
 *   generic grid for unknown symbols).
 */
export const BacktestSectionSchema = z.strictObject({
  strategies: z
    .array(StrategySpecSchema)
    .min(1, 'backtest.strategies needs at least one strategy')
    .default([{ kind: 'smc', id: 'smc' }]),
  trace: z
    .enum(['all', 'signals', 'none'], { error: "backtest.trace must be 'all', 'signals' or 'none'" })
    .default('signals'),
  safety: z.boolean().default(true),
  warmup_epsilon: z
    .number({ error: 'backtest.warmup_epsilon must be a number, e.g. 0.0001' })
    .gt(0, 'backtest.warmup_epsilon must be > 0')
    .lt(1, 'backtest.warmup_epsilon must be < 1 (a fraction: 0.0001 = 0.01%)')
    .optional(),
  instruments: z
    .record(
      z.string(),
      z.strictObject({
        tick_size: z.number().positive('tick_size must be > 0'),
        qty_step: z.number().positive('qty_step must be > 0'),
        min_qty: z.number().positive('min_qty must be > 0').optional(),
        max_leverage: z.number().min(1).default(50),
      }),
    )
    .default({}),
});

/**
 * Everything a backtest depends on besides the candles: the trading config (config/schema.ts: strategy,
 * risk, positions, safety, sim — with its cross-field invariants, seed Bugs 1 and 2) plus the
 * `backtest:` section. Plain data, so it can be hashed (configHash) and sent to worker threads.
 */
export const BacktestConfigSchema = SmcConfigShape.extend({
  backtest: BacktestSectionSchema.prefault({}),
}).superRefine((c, ctx) => {
  for (const v of checkConfigInvariants(c)) {
    ctx.addIssue({ code: 'custom', path: [...v.rule.path], message: v.message, params: { rule: v.rule.id } });
  }
  const ids = c.backtest.strategies.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['backtest', 'strategies'],
      message: `strategy id '${dup}' is used twice: give each strategy its own id`,
    });
  }
  for (const [i, s] of c.backtest.strategies.entries()) {
    if (s.kind === 'ema_cross' && s.fast >= s.slow) {
      ctx.addIssue({
        code: 'custom',
        path: ['backtest', 'strategies', i, 'fast'],
        message: `fast (${s.fast}) must be shorter than slow (${s.slow})`,
      });
    }
  }
});

export type BacktestConfig = z.output<typeof BacktestConfigSchema>;
export type BacktestConfigInput = z.input<typeof BacktestConfigSchema>;

/** Validates a backtest config (partial sections take their defaults); throws a ZodError naming the field. */
export function parseBacktestConfig(input: unknown): BacktestConfig {
  return BacktestConfigSchema.parse(input ?? {});
}
