import { z } from 'zod';
import { TIMEFRAMES } from '../../data/timeframes.ts';

/**
 * Configuration of the momentum/breakdown strategy (seed §5 "If the User Wants More Trades", option 3:
 * "add a momentum/breakdown strategy alongside SMC" — the trades SMC refuses because "the strategy won't
 * chase"). A Donchian channel breakout: the first base-bar close beyond the range of the last
 * `channel.bars` closed channel-timeframe bars, in the direction of an optional higher-timeframe trend,
 * with a stop `stop.atr_multiple` ATRs from the entry and targets at R multiples of that risk. Keys are
 * snake_case like the rest of the config.
 *
 * Field by field (every value is our choice; the seed names the idea only):
 * - `channel.timeframe` ('4h'): timeframe of the range (must be the base or a multiple of it). The range
 *   at base bar i is made of channel bars closed by the open of bar i, so bar i never counts in its own
 *   range.
 * - `channel.bars` (20): bars in the range (the classic Donchian / Turtle 20).
 * - `channel.min_breakout_atr` (0): the close must clear the range by at least this many ATRs
 *   (`WEAK_BREAKOUT`); 0 = any close beyond it.
 * - `atr.period` (14): Wilder ATR on the channel timeframe (stop distance, breakout strength).
 * - `stop.atr_multiple` (1.5): stop distance from the entry in ATRs.
 * - `targets.r_multiples` ([1, 2, 3]): TP1..TP3 at these multiples of the risk (entry − stop).
 * - `trend.enabled` (true), `trend.timeframe` ('1d'), `trend.ema_period` (50): longs only while the last
 *   closed trend-timeframe close is above its EMA, shorts only below (`TREND_AGAINST`).
 * - `warmup.tolerance` (0.01): the ATR and the trend EMA are seeded with a simple average and then
 *   smoothed, so their value depends on where the data starts; a decision waits (`WARMUP`) until the
 *   seed's share of the error has decayed to this fraction: period + ln(tolerance) / ln(1 − α) bars
 *   (α = 1/period for Wilder's ATR, 2/(period + 1) for the EMA). `smc check warmup` measures it.
 */

const positiveInt = (name: string) =>
  z
    .number({ error: `${name} must be an integer` })
    .int(`${name} must be an integer`)
    .positive(`${name} must be ≥ 1`);
const positive = (name: string) =>
  z.number({ error: `${name} must be a number` }).positive(`${name} must be > 0`);

const TimeframeField = (name: string) =>
  z.enum(TIMEFRAMES, { error: `${name} must be one of ${TIMEFRAMES.join(', ')}` });

export const ChannelConfigSchema = z.strictObject({
  timeframe: TimeframeField('channel.timeframe').default('4h'),
  bars: positiveInt('channel.bars').min(2, 'channel.bars must be ≥ 2').max(1000).default(20),
  min_breakout_atr: z.number().min(0, 'channel.min_breakout_atr must be ≥ 0').default(0),
});

export const AtrConfigSchema = z.strictObject({
  period: positiveInt('atr.period').max(500).default(14),
});

export const MomentumStopConfigSchema = z.strictObject({
  atr_multiple: positive('stop.atr_multiple').default(1.5),
});

export const MomentumTargetsConfigSchema = z.strictObject({
  r_multiples: z
    .tuple([
      positive('targets.r_multiples[0]'),
      positive('targets.r_multiples[1]'),
      positive('targets.r_multiples[2]'),
    ])
    .default([1, 2, 3])
    .refine((r) => r[0] <= r[1] && r[1] <= r[2], { message: 'targets.r_multiples must be ascending' }),
});

export const TrendConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  timeframe: TimeframeField('trend.timeframe').default('1d'),
  ema_period: positiveInt('trend.ema_period').max(1000).default(50),
});

export const MomentumWarmupConfigSchema = z.strictObject({
  tolerance: z
    .number({ error: 'warmup.tolerance must be a number' })
    .gt(0, 'warmup.tolerance must be > 0')
    .lt(1, 'warmup.tolerance must be < 1')
    .default(0.01),
});

/** The momentum strategy's parameters (a `backtest.strategies[]` entry of kind `momentum_breakdown`). */
export const MomentumConfigShape = {
  channel: ChannelConfigSchema.prefault({}),
  atr: AtrConfigSchema.prefault({}),
  stop: MomentumStopConfigSchema.prefault({}),
  targets: MomentumTargetsConfigSchema.prefault({}),
  trend: TrendConfigSchema.prefault({}),
  warmup: MomentumWarmupConfigSchema.prefault({}),
};

export const MomentumConfigSchema = z.strictObject(MomentumConfigShape);
export type MomentumConfig = z.output<typeof MomentumConfigSchema>;
export type MomentumConfigInput = z.input<typeof MomentumConfigSchema>;

/** Strategy kind in `backtest.strategies[]`. */
export const MOMENTUM_KIND = 'momentum_breakdown';
export const MOMENTUM_DEFAULT_ID = 'momentum';

/**
 * A `backtest.strategies[]` entry: `{ kind: momentum_breakdown, id: momentum, channel: {...}, ... }`.
 * Meant for the discriminated union in engine/backtest/config.ts (StrategySpecSchema).
 */
export const MomentumStrategySpecSchema = z.strictObject({
  kind: z.literal(MOMENTUM_KIND),
  id: z.string().min(1, 'id must not be empty').default(MOMENTUM_DEFAULT_ID),
  ...MomentumConfigShape,
});
export type MomentumStrategySpec = z.output<typeof MomentumStrategySpecSchema>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every default filled in (frozen: derive variants with parseMomentumConfig). */
export const DEFAULT_MOMENTUM_CONFIG: MomentumConfig = deepFreeze(MomentumConfigSchema.parse({}));

/** Validates momentum parameters (partial sections take their defaults); throws a ZodError naming the field. */
export function parseMomentumConfig(input: unknown): MomentumConfig {
  return MomentumConfigSchema.parse(input ?? {});
}

/** The parameters of a spec (its kind and id stripped). */
export function momentumConfigOfSpec(spec: MomentumStrategySpec): MomentumConfig {
  const { kind: _kind, id: _id, ...config } = spec;
  return config;
}
