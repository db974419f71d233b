import { Decimal } from 'decimal.js';

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

/** `x` rounded towards zero to a multiple of `step` (ROUND_DOWN). */
export function quantizeDown(x: Decimal, step: Decimal): Decimal {
  if (step.isZero() || step.isNegative())
    throw new Error(`quantize step must be > 0, got ${step.toString()}`);
  const k = powerOfTenPlaces(step);
  // A 10⁻ᵏ grid is a decimal-place truncation: the same value as the division below, far cheaper.
  if (k >= 0 && x.isFinite()) {
    const own = x.constructor === RiskDecimal ? x : dec(x);
    return own.decimalPlaces() <= k ? own : own.toDecimalPlaces(k, Decimal.ROUND_DOWN);
  }
  return dec(x).divToInt(step).mul(step);
}

/** `x` rounded to a multiple of `tick`: 'down' towards −∞, 'up' towards +∞. */
export function roundToTick(x: Decimal, tick: Decimal, direction: 'down' | 'up'): Decimal {
  if (tick.isZero() || tick.isNegative()) throw new Error(`tick size must be > 0, got ${tick.toString()}`);
  const k = powerOfTenPlaces(tick);
  // A 10⁻ᵏ tick: floor/ceil to k decimal places is the same value as the division below, far cheaper.
  if (k >= 0 && x.isFinite()) {
    const own = x.constructor === RiskDecimal ? x : dec(x);
    if (own.decimalPlaces() <= k) return own;
    return own.toDecimalPlaces(k, direction === 'down' ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL);
  }
  const q = dec(x).div(tick);
  const n = direction === 'down' ? q.floor() : q.ceil();
  return n.mul(tick);
}

/** The smaller of two Decimals. */
export function dmin(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

/** The larger of two Decimals. */
export function dmax(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
