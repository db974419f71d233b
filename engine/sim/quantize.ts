import { Decimal } from 'decimal.js';
import { asSim, dec } from './decimal.ts';

/**
 * Rounding to an instrument's grid. Quantities always go DOWN to the step (ROUND_DOWN, towards zero: never
 * more than asked, seed §3 "Decimal quantize"); request prices go down to the tick; fill prices moved by
 * slippage go to the tick on the trader's losing side.
 */

/** Decimal places of a step that is a power of ten (1, 0.1, 0.001 …), −1 for any other step. */
const placesCache = new WeakMap<Decimal, number>();
function powerOfTenPlaces(step: Decimal): number {
  let p = placesCache.get(step);
  if (p === undefined) {
    const k = step.decimalPlaces();
    p = step.eq(dec(10).pow(-k)) ? k : -1;
    placesCache.set(step, p);
  }
  return p;
}

/** `x` rounded towards zero to a multiple of `step`. */
export function quantizeDown(x: Decimal, step: Decimal): Decimal {
  const k = powerOfTenPlaces(step);
  // Grids of 10⁻ᵏ are a decimal-place rounding: much cheaper than a division, and nothing at all when
  // `x` is already on the grid (the usual case: the trader quantized it before sending).
  if (k >= 0) return x.decimalPlaces() <= k ? asSim(x) : asSim(x).toDecimalPlaces(k, Decimal.ROUND_DOWN);
  return asSim(x).divToInt(step).mul(step);
}

/** `x` rounded away from zero to a multiple of `step`. */
export function quantizeUp(x: Decimal, step: Decimal): Decimal {
  const k = powerOfTenPlaces(step);
  if (k >= 0) return x.decimalPlaces() <= k ? asSim(x) : asSim(x).toDecimalPlaces(k, Decimal.ROUND_UP);
  const q = asSim(x).divToInt(step);
  const down = q.mul(step);
  if (down.eq(x)) return down;
  return x.isNegative() ? q.minus(1).mul(step) : q.plus(1).mul(step);
}

/** Quantity quantized to the instrument step (ROUND_DOWN). */
export function quantizeQty(qty: Decimal, qtyStep: Decimal): Decimal {
  return quantizeDown(qty, qtyStep);
}

/** Request price (limit or trigger) quantized to the tick (ROUND_DOWN). */
export function quantizePrice(price: Decimal, tickSize: Decimal): Decimal {
  return quantizeDown(price, tickSize);
}

/** A fill price moved against the trader, rounded further against the trader: up for buys, down for sells. */
export function roundAgainst(price: Decimal, tickSize: Decimal, side: 'buy' | 'sell'): Decimal {
  return side === 'buy' ? quantizeUp(price, tickSize) : quantizeDown(price, tickSize);
}
