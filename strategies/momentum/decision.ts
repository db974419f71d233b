import type { Decision, TraceValue } from '../strategy.ts';

/**
 * Momentum/breakdown decision vocabulary: gates in evaluation order and the reason code each rejection
 * carries (index = code in the packed decision; 0 = a signal).
 */
export const MOMENTUM_GATES = ['warmup', 'range', 'fresh', 'volatility', 'strength', 'trend'] as const;
export type MomentumGate = (typeof MOMENTUM_GATES)[number];

export const MOMENTUM_REASONS = [
  { code: 'NONE', gate: null },
  /** An input has not had its warm-up (channel bars, ATR or trend EMA convergence). */
  { code: 'WARMUP', gate: 'warmup' },
  /** The close is inside the channel: no breakout. */
  { code: 'INSIDE_RANGE', gate: 'range' },
  /** The previous close was already beyond the channel: a continuation, not a breakout. */
  { code: 'NOT_FRESH', gate: 'fresh' },
  /** ATR is zero (flat prices): no stop distance. */
  { code: 'ZERO_ATR', gate: 'volatility' },
  /** The close clears the channel by less than `channel.min_breakout_atr` ATRs. */
  { code: 'WEAK_BREAKOUT', gate: 'strength' },
  /** The breakout is against the trend filter. */
  { code: 'TREND_AGAINST', gate: 'trend' },
] as const satisfies ReadonlyArray<{ code: string; gate: MomentumGate | null }>;

export const MOMENTUM_REASON = {
  NONE: 0,
  WARMUP: 1,
  INSIDE_RANGE: 2,
  NOT_FRESH: 3,
  ZERO_ATR: 4,
  WEAK_BREAKOUT: 5,
  TREND_AGAINST: 6,
} as const;

export const MOMENTUM_REASON_NAMES: readonly string[] = MOMENTUM_REASONS.map((r) => r.code);

/** The values behind a momentum decision; values a gate did not reach are null. */
export interface MomentumTrace {
  [key: string]: TraceValue;
  /** Base bar index the decision was made at. */
  bar: number;
  gate_failed: MomentumGate | null;
  close: number;
  prev_close: number | null;
  /** Highest high / lowest low of the channel bars closed by the bar's open. */
  channel_high: number | null;
  channel_low: number | null;
  /** Close time of the newest channel bar in the range. */
  channel_close_ts: number | null;
  /** Wilder ATR on the channel timeframe (the trader reads `atr` for trailing stops). */
  atr: number | null;
  /** How far the close cleared the channel, in ATRs. */
  breakout_atr: number | null;
  trend_close: number | null;
  trend_ema: number | null;
  /** 1 above the EMA, −1 below, 0 equal; null when the filter is off. */
  trend_dir: number | null;
}

export type MomentumDecision = Decision<MomentumTrace>;

/** Which gate each trace field belongs to (for `smc check lookahead` reports). */
export const MOMENTUM_TRACE_GATES: Readonly<Record<string, MomentumGate>> = {
  close: 'range',
  channel_high: 'range',
  channel_low: 'range',
  channel_close_ts: 'range',
  prev_close: 'fresh',
  atr: 'volatility',
  breakout_atr: 'strength',
  trend_close: 'trend',
  trend_ema: 'trend',
  trend_dir: 'trend',
};
