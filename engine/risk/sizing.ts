import type { Decimal } from 'decimal.js';
import { decConst, own } from './quantize.ts';

/**
 * Risk-per-trade sizing: the quantity that loses `riskPct` of equity if the stop is hit,
 * `qty = equity × riskPct / |entry − stop|`, returned as notional (`qty × entry`). Returns null when the
 * stop distance is zero (no finite size).
 */
export function riskBasedNotional(
  equity: Decimal,
  riskPct: number,
  entry: Decimal,
  stop: Decimal,
): Decimal | null {
  const distance = entry.minus(stop).abs();
  if (distance.isZero()) return null;
  return own(equity).mul(decConst(riskPct)).div(distance).mul(entry);
}

/** Initial margin of a notional at `leverage`. */
export function marginOf(notional: Decimal, leverage: number): Decimal {
  return own(notional).div(decConst(leverage));
}
