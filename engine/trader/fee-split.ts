import type { Decimal } from 'decimal.js';

/** Digits the shortcut's products may have: within them, decimal.js multiplies without rounding. */
const EXACT_DIGITS = 40;
const MAX_MISSES = 8;

/**
 * Splits fills' fees in proportion to quantity: the share of `fee` that falls on `part` of a fill of `qty`
 * is `fee × part / qty`, with decimal.js's rounding of that expression (the fee's precision and rounding,
 * after the product and after the quotient) — the value {@link split} returns, always.
 *
 * A venue charges qty × price × rate. When a fill's fee is exactly that for a rate of a few digits (found
 * from the first such fill and checked on each one), the quotient is exactly part × price × rate: two
 * multiplications instead of decimal.js's long division, the costliest and most allocating step of
 * booking a reversing fill. Each shortcut checks, by digit counts, that every product involved is exact —
 * so the quotient needs no rounding and equals the division's result — and otherwise divides.
 */
export class FeeSplitter {
  private readonly rates = new Map<string, Decimal>();
  /** Failed searches per liquidity: after a few, its fees are divided without looking again. */
  private readonly misses = new Map<string, number>();

  split(fee: Decimal, part: Decimal, qty: Decimal, price: Decimal, liquidity: string): Decimal {
    const precision = (fee.constructor as typeof Decimal).precision;
    if (
      precision >= EXACT_DIGITS &&
      !fee.isZero() &&
      fee.isFinite() &&
      price.isFinite() &&
      fee.sd() + part.sd() <= precision
    ) {
      const rate = this.rateOf(fee, qty, price, liquidity);
      if (
        rate !== undefined &&
        (part.constructor as typeof Decimal).precision >= EXACT_DIGITS &&
        part.sd() + price.sd() + rate.sd() <= EXACT_DIGITS
      ) {
        return part.mul(price).mul(rate);
      }
    }
    return fee.mul(part).div(qty);
  }

  /** The rate with fee = qty × price × rate exactly (every product exact), undefined when none is found. */
  private rateOf(fee: Decimal, qty: Decimal, price: Decimal, liquidity: string): Decimal | undefined {
    const known = this.rates.get(liquidity);
    if (known !== undefined && explains(known, fee, qty, price)) return known;
    const misses = this.misses.get(liquidity) ?? 0;
    if (misses >= MAX_MISSES) return undefined;
    // A candidate from floats: the rate's float quotient, cut to 10 significant digits (fee rates have a
    // handful), checked exactly before it is used.
    const approx = fee.toNumber() / (qty.toNumber() * price.toNumber());
    if (approx > 0 && Number.isFinite(approx)) {
      const Ctor = fee.constructor as typeof Decimal;
      const candidate = new Ctor(Number(approx.toPrecision(10)));
      if (explains(candidate, fee, qty, price)) {
        this.rates.set(liquidity, candidate);
        return candidate;
      }
    }
    // Not of that form (a fee with a fixed part, a rate of many digits): after a few, stop looking.
    this.misses.set(liquidity, misses + 1);
    return undefined;
  }
}

/** fee = qty × price × rate exactly: the products fit in {@link EXACT_DIGITS}, so they are not rounded. */
function explains(rate: Decimal, fee: Decimal, qty: Decimal, price: Decimal): boolean {
  return (
    qty.sd() + price.sd() + rate.sd() <= EXACT_DIGITS &&
    (qty.constructor as typeof Decimal).precision >= EXACT_DIGITS &&
    qty.mul(price).mul(rate).eq(fee)
  );
}
