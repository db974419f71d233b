/**
 * Stop and targets (seed §5, §19). The stop sits beyond the structure leg's origin — the level whose loss
 * invalidates the setup — by a buffer of `atr_multipliers[regime]` × 4H ATR (seed §19: "4H ATR stop
 * multipliers (0.15-0.30x)"). A buffer, not the whole distance: the seed's open positions (PAXG entry
 * 4979.60 / stop 4880.00, BNB 647.35 / 660.30) sit ~2% from entry, far more than 0.3 × a 4H ATR.
 * TP1..TP3 are extensions of the leg from its origin (1 = the leg's extreme).
 */
export function stopPrice(dir: number, origin: number, atr: number, multiplier: number): number {
  return origin - dir * multiplier * atr;
}

export function targetPrice(origin: number, extreme: number, extension: number): number {
  return origin + extension * (extreme - origin);
}

/**
 * Reward to TP1 over risk, or NaN when the stop or TP1 is on the wrong side of the entry (an invalid
 * plan: `TARGETS_INVALID`).
 */
export function rewardRisk(dir: number, entry: number, stop: number, tp1: number): number {
  const risk = dir * (entry - stop);
  const reward = dir * (tp1 - entry);
  if (!(risk > 0) || !(reward > 0)) return Number.NaN;
  return reward / risk;
}
