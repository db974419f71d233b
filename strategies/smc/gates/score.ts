/**
 * Score (seed §19 "score thresholds"): points for the quality of a setup that passed every other gate;
 * below `score.threshold` → `SCORE_BELOW_THRESHOLD`. With the default weights the maximum is 100:
 * - structure: `bos` points for a break of structure (continuation with the daily bias), `choch` for a
 *   change of character (a reversal);
 * - ote: `ote` × closeness of the retracement to the zone's middle (1 at the middle, 0.5 at its edges,
 *   falling to 0 one half-zone further out). With the OTE gate disabled the factor is at least 0.5, the
 *   value of a zone edge, so the score does not bring back the gate the variant switched off;
 * - regime: `regime` × 1 (tight_smc), 0.6 (wide_smc), 0.3 (volatile_smc), 0 otherwise;
 * - order_block: `order_block` when the entry lies inside an unmitigated order block of the trade's
 *   direction on the structure timeframe;
 * - fvg: `fvg` when the entry lies inside an unfilled fair value gap of the trade's direction there;
 * - htf_alignment: `htf_alignment` when the other structure timeframe (1H for a 4H setup, 4H for a 1H one)
 *   has its latest valid break in the same direction.
 */
export const REGIME_SCORE_FACTOR: Float64Array = Float64Array.of(1, 0.6, 0.3, 0, 0);

/**
 * Closeness of retracement r to the middle of [zoneLow, zoneHigh]: 1 at the middle, 0.5 at the edges;
 * at least `floor`.
 */
export function oteQuality(r: number, zoneLow: number, zoneHigh: number, floor = 0): number {
  const mid = (zoneLow + zoneHigh) / 2;
  const half = (zoneHigh - zoneLow) / 2;
  if (!(half > 0) || Number.isNaN(r)) return floor;
  const q = 1 - (0.5 * Math.abs(r - mid)) / half;
  return Math.max(q, floor);
}
