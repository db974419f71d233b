/**
 * Gate 2, decision structure (seed §5: "a valid break of structure (BOS) or change of character (CHoCH)
 * on the 4H timeframe", the #1 rejection, `4H_STRUCTURE_REQUIRED`). The latest break known on the
 * structure timeframe is usable when it points the way of the daily bias, became known at most
 * `max_age_bars` structure bars ago, and no close has gone beyond the leg's origin since
 * (see {@link STRUCTURE_STATUS} for the names).
 */

/** Status codes, indexes into STRUCTURE_STATUS of ../decision.ts. */
export const STATUS_NONE = 0;
export const STATUS_AGAINST_BIAS = 1;
export const STATUS_STALE = 2;
export const STATUS_INVALIDATED = 3;
export const STATUS_OK = 4;

/**
 * @param dir direction of the latest known break (0 when none), @param bias daily bias direction,
 * @param ageBars structure bars since the break became known, @param invalidated 1 when a close went
 * beyond the leg origin after the break.
 */
export function structureStatus(
  dir: number,
  bias: number,
  ageBars: number,
  maxAgeBars: number,
  invalidated: number,
): number {
  if (dir === 0) return STATUS_NONE;
  if (dir !== bias) return STATUS_AGAINST_BIAS;
  if (ageBars > maxAgeBars) return STATUS_STALE;
  if (invalidated !== 0) return STATUS_INVALIDATED;
  return STATUS_OK;
}
