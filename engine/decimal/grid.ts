import { Decimal } from 'decimal.js';

/**
 * Rounding a decimal to an instrument's grid (a quantity step or a price tick), shared by the simulator and
 * the trading core, each of which passes the conversion into its own Decimal constructor (`own`).
 *
 * Modes: 'down' towards zero (quantities: never more than approved, seed §3 "Decimal quantize"), 'up' away
 * from zero, 'floor' towards −∞ and 'ceil' towards +∞ (prices on a chosen side).
 */
export type GridMode = 'down' | 'up' | 'floor' | 'ceil';

const DP_ROUNDING = {
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
  floor: Decimal.ROUND_FLOOR,
  ceil: Decimal.ROUND_CEIL,
} as const;

/** Decimal places of a step that is a power of ten (1, 0.1, 0.001 …), −1 for any other step. */
const placesCache = new WeakMap<Decimal, number>();
function powerOfTenPlaces(step: Decimal): number {
  let p = placesCache.get(step);
  if (p === undefined) {
    const k = step.decimalPlaces();
    p = step.eq(new Decimal(10).pow(-k)) ? k : -1;
    placesCache.set(step, p);
  }
  return p;
}

/** `x` rounded to a multiple of `step` (> 0) in `mode`, as a Decimal of `own`'s constructor. */
export function toGrid(x: Decimal, step: Decimal, mode: GridMode, own: (x: Decimal) => Decimal): Decimal {
  if (step.isZero() || step.isNegative() || step.isNaN())
    throw new Error(`grid step (quantity step or tick size) must be > 0, got ${step.toString()}`);
  const k = powerOfTenPlaces(step);
  // A 10⁻ᵏ grid is a rounding to k decimal places: the same value as the divisions below, far cheaper,
  // and nothing at all when `x` is already on the grid (the usual case: the trader quantized it before).
  if (k >= 0 && x.isFinite()) {
    const v = own(x);
    return v.decimalPlaces() <= k ? v : v.toDecimalPlaces(k, DP_ROUNDING[mode]);
  }
  const v = own(x);
  switch (mode) {
    case 'down':
      return v.divToInt(step).mul(step);
    case 'up': {
      const q = v.divToInt(step);
      const down = q.mul(step);
      if (down.eq(v)) return down;
      return v.isNegative() ? q.minus(1).mul(step) : q.plus(1).mul(step);
    }
    case 'floor':
      return v.div(step).floor().mul(step);
    case 'ceil':
      return v.div(step).ceil().mul(step);
  }
}
