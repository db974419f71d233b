import { z } from 'zod';

/**
 * Configuration of the SMC decision pipeline (seed §5 "Signal Pipeline", §19). Every gate variant the
 * research users compare — relaxed OTE, 1H structure accepted, wider regimes, another score threshold —
 * is a value here, never a code fork. Keys are snake_case (as in the seed's YAML and the rest of the
 * config), addressed by sweeps as dotted paths under `strategy.`, e.g. `strategy.ote.zone_low`.
 *
 * The defaults reproduce the seed where it states a value (EMA 200 on 1D, 4H decision structure,
 * OTE 0.618–0.786, 4H ATR stop multipliers 0.15–0.30 by regime). Where the seed names a concept without a
 * number (regime criteria, score threshold, structure age), the default is our documented choice and is
 * marked so below.
 *
 * Field by field:
 * - `bias.timeframe` ('1d'): timeframe of the directional filter (seed §5 gate 1, "200 EMA on the 1D").
 * - `bias.ema_period` (200): EMA length; seeded with the SMA of the first `ema_period` closes, so the first
 *   value exists after that many closed bars.
 * - `bias.neutral_band` (0): |close / EMA − 1| ≤ band is neutral (`DAILY_BIAS_NEUTRAL`); 0 = only an exact
 *   tie or a missing EMA is neutral, as in the seed ("above/below").
 * - `structure.timeframe` ('4h'): decision timeframe whose BOS/CHoCH the setup needs (seed §5 gate 2,
 *   `4H_STRUCTURE_REQUIRED`; with '1h' the code is `1H_STRUCTURE_REQUIRED`).
 * - `structure.accept_1h_fallback` (false): when the decision timeframe has no valid structure, accept the
 *   1H one (seed §5 "If the User Wants More Trades", option 2).
 * - `structure.swing_length` (5): swing-point window of the swing primitive on the structure timeframes;
 *   a swing is known `swing_length` bars after its bar (our choice: the reference fixture's value).
 * - `structure.max_age_bars` (30): a break stays tradeable this many structure-timeframe bars after it
 *   became known (our choice: 30 × 4H = 5 days); older → rejected as stale.
 * - `regimes.*`: see `strategies/smc/gates/regime.ts` for the definitions. `allowed`
 *   (['tight_smc', 'wide_smc']) lists tradeable regimes (seed §5 gate 3, `REGIME_NOT_TRADEABLE`);
 *   `min_leg_atr` (1.5), `tight_max_leg_atr` (4), `max_leg_atr` (12) bound the structure leg in 4H ATRs;
 *   `volatile_atr_percentile` (0.8) and `atr_percentile_window` (100 4H bars) define volatility expansion.
 *   All thresholds are our choice (the seed names `tight_smc` only); widening them is seed option 4.
 * - `ote.enabled` (true), `ote.zone_low` (0.618), `ote.zone_high` (0.786): entry must retrace into this
 *   fraction of the structure leg (seed §5 gate 4, `ENTRY_NOT_IN_OTE`). `ote.tolerance` (0) widens the
 *   zone on both sides (seed option 1, "allow entries slightly outside optimal zone").
 * - `stop.atr_period` (14): Wilder ATR on 4H. `stop.atr_multipliers`: stop buffer beyond the leg origin in
 *   4H ATRs, per regime (seed §19: 0.15–0.30; tight 0.15, wide 0.20, volatile 0.30).
 * - `targets.extensions` ([1, 1.272, 1.618]): TP1..TP3 as extensions of the structure leg from its
 *   origin (1 = the leg's extreme, the liquidity above/below it). `targets.min_rr` (0): minimum reward to
 *   TP1 over risk; 0 only requires the stop and TP1 on the right side of the entry (`TARGETS_INVALID`).
 * - `score.threshold` (50, our choice; the seed's value is not recorded): minimum score (0–100) for a
 *   signal (`SCORE_BELOW_THRESHOLD`). `score.weights`: the points each component can contribute (see
 *   `strategies/smc/gates/score.ts`).
 * - `warmup.daily_bars` (200), `warmup.decision_bars` (50): closed bias-timeframe and
 *   structure-timeframe bars needed before any signal (`WARMUP`); indicators add their own warm-up.
 */

export const REGIMES = ['tight_smc', 'wide_smc', 'volatile_smc', 'compressed', 'extended'] as const;
export type Regime = (typeof REGIMES)[number];

const fraction = (name: string) =>
  z
    .number({ error: `${name} must be a number between 0 and 1` })
    .min(0, `${name} must be ≥ 0`)
    .max(1, `${name} must be ≤ 1`);
const positive = (name: string) =>
  z.number({ error: `${name} must be a number` }).positive(`${name} must be > 0`);
const positiveInt = (name: string) =>
  z
    .number({ error: `${name} must be an integer` })
    .int(`${name} must be an integer`)
    .positive();

const RegimeSchema = z.enum(REGIMES, {
  error: (i) => `regime '${String(i.input)}' is unknown: use one of ${REGIMES.join(', ')}`,
});

export const BiasConfigSchema = z
  .object({
    timeframe: z.enum(['4h', '1d']).default('1d'),
    ema_period: positiveInt('bias.ema_period').default(200),
    neutral_band: z.number().min(0).max(0.5).default(0),
  })
  .strict();

export const StructureConfigSchema = z
  .object({
    timeframe: z.enum(['4h', '1h'], { error: "structure.timeframe must be '4h' or '1h'" }).default('4h'),
    accept_1h_fallback: z.boolean().default(false),
    swing_length: positiveInt('structure.swing_length').max(100).default(5),
    max_age_bars: positiveInt('structure.max_age_bars').default(30),
  })
  .strict();

export const RegimeConfigSchema = z
  .object({
    allowed: z
      .array(RegimeSchema)
      .min(1, 'regimes.allowed needs at least one regime')
      .default(['tight_smc', 'wide_smc']),
    min_leg_atr: positive('regimes.min_leg_atr').default(1.5),
    tight_max_leg_atr: positive('regimes.tight_max_leg_atr').default(4),
    max_leg_atr: positive('regimes.max_leg_atr').default(12),
    volatile_atr_percentile: fraction('regimes.volatile_atr_percentile').default(0.8),
    atr_percentile_window: positiveInt('regimes.atr_percentile_window').min(2).default(100),
  })
  .strict()
  .refine((r) => r.min_leg_atr <= r.tight_max_leg_atr && r.tight_max_leg_atr <= r.max_leg_atr, {
    message: 'need min_leg_atr ≤ tight_max_leg_atr ≤ max_leg_atr',
  });

export const OteConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    zone_low: fraction('ote.zone_low').default(0.618),
    zone_high: fraction('ote.zone_high').default(0.786),
    tolerance: z.number().min(0).max(0.5, 'ote.tolerance must be ≤ 0.5').default(0),
  })
  .strict()
  .refine((o) => o.zone_low < o.zone_high, {
    message: 'ote.zone_low must be below ote.zone_high',
    path: ['zone_low'],
  });

export const StopConfigSchema = z
  .object({
    atr_period: positiveInt('stop.atr_period').default(14),
    atr_multipliers: z
      .object({
        tight_smc: positive('stop.atr_multipliers.tight_smc').default(0.15),
        wide_smc: positive('stop.atr_multipliers.wide_smc').default(0.2),
        volatile_smc: positive('stop.atr_multipliers.volatile_smc').default(0.3),
        compressed: positive('stop.atr_multipliers.compressed').default(0.15),
        extended: positive('stop.atr_multipliers.extended').default(0.3),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const TargetsConfigSchema = z
  .object({
    extensions: z
      .tuple([
        positive('targets.extensions[0]'),
        positive('targets.extensions[1]'),
        positive('targets.extensions[2]'),
      ])
      .default([1, 1.272, 1.618])
      .refine((e) => e[0] <= e[1] && e[1] <= e[2], { message: 'targets.extensions must be ascending' }),
    min_rr: z.number().min(0).default(0),
  })
  .strict();

export const ScoreWeightsSchema = z
  .object({
    bos: z.number().min(0).default(25),
    choch: z.number().min(0).default(15),
    ote: z.number().min(0).default(25),
    regime: z.number().min(0).default(20),
    order_block: z.number().min(0).default(15),
    fvg: z.number().min(0).default(5),
    htf_alignment: z.number().min(0).default(10),
  })
  .strict();

export const ScoreConfigSchema = z
  .object({
    threshold: z.number().min(0).max(100).default(50),
    weights: ScoreWeightsSchema.prefault({}),
  })
  .strict();

export const WarmupConfigSchema = z
  .object({
    daily_bars: z.number().int().min(0).default(200),
    decision_bars: z.number().int().min(0).default(50),
  })
  .strict();

/** The `strategy:` section of a config file. Unknown keys are refused by name. */
export const StrategyConfigSchema = z
  .object({
    bias: BiasConfigSchema.prefault({}),
    structure: StructureConfigSchema.prefault({}),
    regimes: RegimeConfigSchema.prefault({}),
    ote: OteConfigSchema.prefault({}),
    stop: StopConfigSchema.prefault({}),
    targets: TargetsConfigSchema.prefault({}),
    score: ScoreConfigSchema.prefault({}),
    warmup: WarmupConfigSchema.prefault({}),
  })
  .strict();

export type StrategyConfig = z.output<typeof StrategyConfigSchema>;
export type StrategyConfigInput = z.input<typeof StrategyConfigSchema>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The seed's gates with every default filled in (frozen: derive variants with parseStrategyConfig). */
export const DEFAULT_STRATEGY_CONFIG: StrategyConfig = deepFreeze(StrategyConfigSchema.parse({}));

/** Validates a `strategy:` section (partial sections are filled with defaults); throws a ZodError. */
export function parseStrategyConfig(input: unknown): StrategyConfig {
  return StrategyConfigSchema.parse(input ?? {});
}

/**
 * Validates the `strategy:` section of a whole config document (other top-level sections belong to other
 * parts of the config and are left to them). Throws a ZodError whose paths start at `strategy`.
 */
export function strategySectionOf(doc: unknown): StrategyConfig {
  return z
    .object(
      { strategy: StrategyConfigSchema.prefault({}) },
      { error: 'the config file must be a YAML mapping' },
    )
    .loose()
    .parse(doc ?? {}).strategy;
}
