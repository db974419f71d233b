import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GridMode, toGrid } from './grid.ts';

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
const own = (x: Decimal): Decimal => new D(x);

/** The definition by division: q = x / step, rounded per mode to an integer, times step. */
function byDivision(x: Decimal, step: Decimal, mode: GridMode): Decimal {
  const q = new D(x).div(step);
  const n =
    mode === 'floor'
      ? q.floor()
      : mode === 'ceil'
        ? q.ceil()
        : mode === 'down'
          ? q.toDecimalPlaces(0, Decimal.ROUND_DOWN)
          : q.toDecimalPlaces(0, Decimal.ROUND_UP);
  return n.mul(step);
}

const modes = fc.constantFrom<GridMode>('down', 'up', 'floor', 'ceil');
const values = fc
  .tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 12 }))
  .map(([m, e]) => new D(m).div(new D(10).pow(e)));

describe('engine/decimal/grid: rounding to a step', () => {
  it('a power-of-ten step (decimal-place rounding) gives what the division gives', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -8, max: 3 }), modes, (x, e, mode) => {
        const step = new D(10).pow(e);
        expect(toGrid(x, step, mode, own).eq(byDivision(x, step, mode))).toBe(true);
      }),
    );
  });

  it('any other step lands on the grid, on the side the mode names, less than one step away', () => {
    const steps = fc.constantFrom('0.5', '0.25', '0.0005', '5', '0.3', '12.5').map((s) => new D(s));
    fc.assert(
      fc.property(values, steps, modes, (x, step, mode) => {
        const y = toGrid(x, step, mode, own);
        expect(y.mod(step).isZero()).toBe(true);
        expect(y.minus(x).abs().lt(step)).toBe(true);
        if (mode === 'floor') expect(y.lte(x)).toBe(true);
        if (mode === 'ceil') expect(y.gte(x)).toBe(true);
        if (mode === 'down') expect(y.abs().lte(x.abs())).toBe(true);
        if (mode === 'up') expect(y.abs().gte(x.abs())).toBe(true);
      }),
    );
  });

  it('refuses a step that is not positive, naming it', () => {
    expect(() => toGrid(new D(1), new D(0), 'down', own)).toThrow(/grid step .* must be > 0, got 0/);
    expect(() => toGrid(new D(1), new D(-1), 'floor', own)).toThrow(/must be > 0, got -1/);
  });
});
