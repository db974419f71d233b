import { z } from 'zod';

/**
 * The `safety:` section (config/defaults/safety.yaml): thresholds of the invariant monitor, naked-position
 * detection and auto-recovery (seed §4 "Invariant Thresholds", §3 Bugs 1, 2, 7, §3b Feature 6).
 *
 * - `max_margin_utilization_pct` (0.92): margin used / equity at or above this → HALT (kill switch),
 *   reason MARGIN_CRITICAL. Must stay above the auction budget `risk.auction_max_margin_util` (0.90), or
 *   the kill switch fires whenever the auction fills its budget (seed Bug 1; config/invariants.ts).
 * - `degraded_margin_utilization_pct` (0.85): at or above → DEGRADED (no new entries); at most the
 *   auction budget ("warning at auction's target", Bug 1 fix).
 * - `max_single_position_pct_equity` (0.25): post-trade warning for one position's notional; the
 *   RiskManager's pre-trade cap of the same name must not exceed it (seed Bug 2).
 * - `max_equity_drawdown_pct` (0.15): drawdown from the equity peak → HALT (DRAWDOWN_CRITICAL).
 * - `degraded_equity_drawdown_pct` (0.10): → DEGRADED.
 * - `max_concurrent_positions` (10): more open positions than this → HALT (MAX_POSITIONS).
 * - `naked_position_grace_seconds` (90): after startup no naked-position check for this long, so the tick
 *   loop can place missing stops (seed Bug 7 layer 2).
 * - `naked_position_consecutive_detections` (2): a naked position halts only when seen this many checks in a
 *   row (`NAKED_POSITIONS_DETECTED (first occurrence)` then `(persistent)`).
 * - `auto_recovery.enabled` (true), `.min_halt_seconds` (300), `.max_margin_utilization_pct` (0.85),
 *   `.max_per_24h` (2): a MARGIN_CRITICAL halt clears itself after 5 minutes once utilisation is below 85 %,
 *   at most twice in any 24 h (seed §3b Feature 6). Other halts need an operator.
 */
export const AutoRecoveryConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  min_halt_seconds: z.number().min(0).default(300),
  max_margin_utilization_pct: z.number().gt(0).lt(1).default(0.85),
  max_per_24h: z.number().int().min(0).default(2),
});

export const SafetyConfigSchema = z.strictObject({
  max_margin_utilization_pct: z.number().gt(0).max(1).default(0.92),
  degraded_margin_utilization_pct: z.number().gt(0).max(1).default(0.85),
  max_single_position_pct_equity: z.number().gt(0).max(10).default(0.25),
  max_equity_drawdown_pct: z.number().gt(0).lt(1).default(0.15),
  degraded_equity_drawdown_pct: z.number().gt(0).lt(1).default(0.1),
  max_concurrent_positions: z.number().int().min(1).default(10),
  naked_position_grace_seconds: z.number().min(0).default(90),
  naked_position_consecutive_detections: z.number().int().min(1).default(2),
  auto_recovery: AutoRecoveryConfigSchema.prefault({}),
});

export type SafetyConfig = z.output<typeof SafetyConfigSchema>;
export type AutoRecoveryConfig = z.output<typeof AutoRecoveryConfigSchema>;

export const DEFAULT_SAFETY_CONFIG: SafetyConfig = Object.freeze(SafetyConfigSchema.parse({}));

export function parseSafetyConfig(input: unknown): SafetyConfig {
  return SafetyConfigSchema.parse(input ?? {});
}
