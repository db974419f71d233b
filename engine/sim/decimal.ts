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

/** 10^0 … 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `x.toNumber()`, the same double, without the string round trip for the common short values
 * (quantities, tick-rounded prices). When x has at most 15 significant digits, x = M × 10^k with M an
 * exact double (< 2^53) and |k| ≤ 22, one multiplication or division of two exact doubles rounds the true
 * value to the nearest double exactly as parsing its decimal string does (Clinger's fast path); anything
 * else goes through `toNumber()`.
 */
export function toNumberExact(x: Decimal): number {
  return toNumberFast(x, false);
}

/**
 * `x` as a double within a few ulps (~1e-15 relative) of `x.toNumber()`, without its string round trip
 * for long values (a 40-digit equity): the leading 4 base-1e7 words (≥ 22 digits) scaled by a power of
 * ten. For figures compared with a tolerance, never for money. Short values convert exactly as
 * {@link toNumberExact}.
 */
export function toNumberApprox(x: Decimal): number {
  return toNumberFast(x, true);
}

function toNumberFast(x: Decimal, approx: boolean): number {
  const d = x.d;
  if (d === null || (d.length > 3 && !approx)) return x.toNumber();
  const first = d[0];
  if (first === 0) return x.s < 0 ? -0 : 0;
  const words = Math.min(d.length, 4);
  let m = first;
  for (let i = 1; i < words; i++) m = m * 1e7 + d[i];
  if (m > 999_999_999_999_999 && !approx) return x.toNumber();
  const digits =
    (first < 10
      ? 1
      : first < 100
        ? 2
        : first < 1e3
          ? 3
          : first < 1e4
            ? 4
            : first < 1e5
              ? 5
              : first < 1e6
                ? 6
                : 7) +
    7 * (words - 1);
  const k = x.e - digits + 1;
  let v: number;
  if (k >= 0) {
    if (k > 22) return x.toNumber();
    v = m * POW10[k];
  } else {
    if (k < -22) {
      if (!approx || k < -44) return x.toNumber();
      v = m / POW10[22] / POW10[-k - 22];
    } else v = m / POW10[-k];
  }
  return x.s < 0 ? -v : v;
}
