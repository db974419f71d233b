import { z } from 'zod';

/**
 * The `risk:` section: sizing and every pre-trade gate (SPEC §4, seed §3 Bug 2, §3b, §13, §15).
 * Fractions are of account equity unless said otherwise (0.25 = 25 %).
 *
 * Field by field (default, then where the value comes from):
 * - `risk_per_trade_pct` (0.01): equity lost if the stop is hit, used to size a position from the
 *   entry–stop distance. The seed does not record its value; 1 % is our choice.
 * - `leverage` (7): account leverage used to turn notional into initial margin (seed §3 "Margin caps …
 *   vs 7x leverage").
 * - `max_single_position_pct_equity` (0.25): hard pre-trade cap on one position's notional, applied to
 *   every sizing path including the auction's notional override (seed §3 Bug 2). Must not exceed the
 *   safety monitor's post-trade limit of the same name (config/invariants.ts).
 * - `max_single_position_margin_pct_equity` (0.25): one position's initial margin ≤ 25 % of equity
 *   (seed §3 "Margin caps").
 * - `max_aggregate_margin_pct_equity` (2.0): all positions' margin ≤ 200 % of equity (seed §3 "Margin
 *   caps"). At 7x the 90 % auction budget binds long before this; it matters at low leverage.
 * - `max_aggregate_notional_pct_equity` (2.0): existing notional (qty × current mark price, Bug 9) plus
 *   the new position ≤ 200 % of equity; a trade that would exceed it is capped to the headroom, or
 *   rejected when there is none (seed §3b Feature 3).
 * - `min_notional_viable` (10, USD): a position whose notional after every cap and quantization is below
 *   this is dust and rejected (seed §3 Bug 2).
 * - `max_concurrent_positions` (10): a new entry is refused when this many positions are open or being
 *   opened — the pre-trade gate of the safety monitor's HALT at more than its own limit (Bug 2 lesson).
 * - `daily_loss_limit_pct` (0.05): new entries are refused once the day's realised loss reaches 5 % of
 *   the day's starting equity (seed §13); the day starts at 00:00 UTC.
 * - `daily_loss_warning_fraction` (0.7): `DAILY_LOSS_WARNING` at 70 % of the limit, urgent at 100 %
 *   (seed §13 step 4).
 * - `signal_cooldown_hours` (4): after a symbol's signal fires, its next signals are suppressed this long
 *   (seed §3b Feature 2; §19 "do not change without data").
 * - `max_spread_pct` (0.01): live pre-entry spread check; (ask − bid) / mid above 1 % rejects the signal
 *   (`SIGNAL_REJECTED_SPREAD`); an error in the check lets the trade through (fail-open), logged (§15.3).
 * - `auction_max_margin_util` (0.90): margin budget of the auction — new entries may bring margin
 *   utilisation (margin used / equity) up to 90 % and no further (seed §4). Must sit at or above the
 *   DEGRADED threshold and below the HALT threshold (seed §3 Bug 1; config/invariants.ts).
 * - `auction_partial_close_cooldown_seconds` (0 = off): after a TP1/TP2 partial close, the auction opens
 *   nothing new for this many seconds (seed §3 "Capital reallocation").
 */
export const RiskConfigSchema = z.strictObject({
  risk_per_trade_pct: z.number().gt(0).max(0.2).default(0.01),
  leverage: z.number().gt(0).max(100).default(7),
  max_single_position_pct_equity: z.number().gt(0).max(10).default(0.25),
  max_single_position_margin_pct_equity: z.number().gt(0).max(10).default(0.25),
  max_aggregate_margin_pct_equity: z.number().gt(0).max(10).default(2),
  max_aggregate_notional_pct_equity: z.number().gt(0).max(100).default(2),
  min_notional_viable: z.number().min(0).default(10),
  max_concurrent_positions: z.number().int().min(1).default(10),
  daily_loss_limit_pct: z.number().gt(0).max(1).default(0.05),
  daily_loss_warning_fraction: z.number().gt(0).max(1).default(0.7),
  signal_cooldown_hours: z.number().min(0).default(4),
  max_spread_pct: z.number().gt(0).max(1).default(0.01),
  auction_max_margin_util: z.number().gt(0).lt(1).default(0.9),
  auction_partial_close_cooldown_seconds: z.number().min(0).default(0),
});

export type RiskConfig = z.output<typeof RiskConfigSchema>;
export type RiskConfigInput = z.input<typeof RiskConfigSchema>;

/** Every default of the `risk:` section (the single source of config/defaults/config.yaml's values). */
export const DEFAULT_RISK_CONFIG: RiskConfig = Object.freeze(RiskConfigSchema.parse({}));

/** Validates a (partial) `risk:` section; missing fields take their defaults. Throws a ZodError. */
export function parseRiskConfig(input: unknown): RiskConfig {
  return RiskConfigSchema.parse(input ?? {});
}
