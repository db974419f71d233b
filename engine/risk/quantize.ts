import type { Decimal } from 'decimal.js';
import { toGrid } from '../decimal/grid.ts';
import { SimDecimal } from '../sim/decimal.ts';

/**
 * Decimal helpers of the trading core (risk, positions, safety). Quantities go DOWN to the instrument
 * step (ROUND_DOWN: never more than the gates approved, seed §3 "Decimal quantize"); prices go to the tick
 * in the direction the caller names.
 *
 * The constructor keeps 40 significant digits, so notional sums over many positions stay exact. It is the
 * simulator's very constructor (same precision and rounding, so the same values): one constructor makes
 * one object shape, so decimal.js's methods see a single kind of receiver from the ledger and the trading
 * core alike, and values crossing between them need no copy (`own`, `asSim`).
 */
export const RiskDecimal = SimDecimal;

/** A number, string or Decimal as a Decimal of the trading core. */
export function dec(x: Decimal.Value): Decimal {
  return new RiskDecimal(x);
}

export const ZERO: Decimal = dec(0);

/** `x` in the trading core's constructor (no copy when it already is). */
export function own(x: Decimal): Decimal {
  return x.constructor === RiskDecimal ? x : dec(x);
}

const constants = new Map<number, Decimal>();

/**
 * `dec(x)` for a configuration number (a percentage, a leverage), made once: decimal.js turns a number
 * operand into a Decimal on every operation, through its text for a fraction.
 */
export function decConst(x: number): Decimal {
  let d = constants.get(x);
  if (d === undefined) {
    d = dec(x);
    if (constants.size < 1024) constants.set(x, d);
  }
  return d;
}

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
