import { Decimal } from 'decimal.js';
import { toGrid } from '../decimal/grid.ts';

/**
 * Decimal helpers of the trading core (risk, positions, safety). Quantities go DOWN to the instrument
 * step (ROUND_DOWN: never more than the gates approved, seed §3 "Decimal quantize"); prices go to the tick
 * in the direction the caller names.
 *
 * The constructor keeps 40 significant digits, like the simulator's, so notional sums over many
 * positions stay exact.
 */
export const RiskDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** A number, string or Decimal as a Decimal of the trading core. */
export function dec(x: Decimal.Value): Decimal {
  return new RiskDecimal(x);
}

export const ZERO: Decimal = dec(0);

/** `x` in the trading core's constructor (no copy when it already is). */
const own = (x: Decimal): Decimal => (x.constructor === RiskDecimal ? x : dec(x));

/** `x` rounded towards zero to a multiple of `step` (ROUND_DOWN). */
export function quantizeDown(x: Decimal, step: Decimal): Decimal {
  return toGrid(x, step, 'down', own);
}

/** `x` rounded to a multiple of `tick`: 'down' towards −∞, 'up' towards +∞. */
export function roundToTick(x: Decimal, tick: Decimal, direction: 'down' | 'up'): Decimal {
  return toGrid(x, tick, direction === 'down' ? 'floor' : 'ceil', own);
}

/** The smaller of two Decimals. */
export function dmin(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** The larger of two Decimals. */
export function dmax(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
