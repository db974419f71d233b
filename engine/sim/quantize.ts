import type { Decimal } from 'decimal.js';
import { toGrid } from '../decimal/grid.ts';
import { asSim } from './decimal.ts';

/**
 * Rounding to an instrument's grid. Quantities always go DOWN to the step (ROUND_DOWN, towards zero: never
 * more than asked, seed §3 "Decimal quantize"); request prices go down to the tick; fill prices moved by
 * slippage go to the tick on the trader's losing side.
 */

/** `x` rounded towards zero to a multiple of `step`. */
export function quantizeDown(x: Decimal, step: Decimal): Decimal {
  return toGrid(x, step, 'down', asSim);
}

/** `x` rounded away from zero to a multiple of `step`. */
export function quantizeUp(x: Decimal, step: Decimal): Decimal {
  return toGrid(x, step, 'up', asSim);
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
