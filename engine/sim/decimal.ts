import { Decimal } from 'decimal.js';

/**
 * The simulator's Decimal constructor: decimal.js with 40 significant digits instead of the default 20,
 * so sums of balances (~1e4–1e7) and products of quantities, prices and small rates (fees, funding) stay
 * exact and the ledger identity `balance − initial = realised P&L − fees − funding` holds to the last
 * digit. Its values are ordinary `Decimal` instances (same prototype); arithmetic on them uses this
 * precision because decimal.js takes the precision from the left operand's constructor.
 */
export const SimDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** Converts a number, string or Decimal into a {@link SimDecimal}. */
export function dec(x: Decimal.Value): Decimal {
  return new SimDecimal(x);
}

/** `x` itself when it is already a {@link SimDecimal}, else a SimDecimal copy (no copy on the hot path). */
export function asSim(x: Decimal): Decimal {
  return x.constructor === SimDecimal ? x : new SimDecimal(x);
}

export const ZERO = dec(0);
export const ONE = dec(1);

/** Decimal places kept on a position's average entry price (a running average can have endless digits). */
export const ENTRY_PRICE_DP = 10;
