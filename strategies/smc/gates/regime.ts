import type { Regime } from '../config.ts';

/**
 * Gate 3, market regime (seed §5: "structure must classify into a tradeable regime (e.g. tight_smc)").
 * The seed names the regime but not its criteria; ours are measurable from two numbers known at the
 * decision:
 * - leg size in ATRs: |leg extreme − leg origin| / ATR(4H, `stop.atr_period`), and
 * - volatility percentile: rank of ATR/close of the last closed 4H bar among the last
 *   `regimes.atr_percentile_window` 4H bars.
 *
 * In this order:
 * - `compressed`: leg < `min_leg_atr` ATRs — the "structure" is within noise;
 * - `extended`: leg > `max_leg_atr` ATRs — a blow-off leg, its retracement is not a pullback;
 * - `volatile_smc`: volatility percentile > `volatile_atr_percentile` — a clean leg in expanding volatility;
 * - `tight_smc`: leg ≤ `tight_max_leg_atr` ATRs — a compact impulse in normal volatility;
 * - `wide_smc`: otherwise — a larger impulse in normal volatility.
 *
 * Tradeable = listed in `regimes.allowed` (default tight_smc and wide_smc); otherwise
 * `REGIME_NOT_TRADEABLE`.
 */
export const REGIME_INDEX: Readonly<Record<Regime, number>> = {
  tight_smc: 0,
  wide_smc: 1,
  volatile_smc: 2,
  compressed: 3,
  extended: 4,
};

export interface RegimeThresholds {
  min_leg_atr: number;
  tight_max_leg_atr: number;
  max_leg_atr: number;
  volatile_atr_percentile: number;
}

/** Regime index (see REGIME_INDEX) from the leg size in ATRs and the ATR percentile (0–1). */
export function classifyRegime(legAtr: number, atrPercentile: number, t: RegimeThresholds): number {
  if (!(legAtr >= t.min_leg_atr)) return REGIME_INDEX.compressed;
  if (legAtr > t.max_leg_atr) return REGIME_INDEX.extended;
  if (atrPercentile > t.volatile_atr_percentile) return REGIME_INDEX.volatile_smc;
  if (legAtr <= t.tight_max_leg_atr) return REGIME_INDEX.tight_smc;
  return REGIME_INDEX.wide_smc;
}
