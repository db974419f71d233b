import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ema, emaInto } from './ema.ts';

describe('Ema', () => {
  it('is NaN before the first full period, then the SMA, then α-smoothed (hand values, period 3)', () => {
    // α = 2 / (3 + 1) = 0.5; seed = (1 + 2 + 3) / 3 = 2; then 2 + 0.5·(4 − 2) = 3; 3 + 0.5·(8 − 3) = 5.5
    const ema = new Ema(3);
    const got = [1, 2, 3, 4, 8].map((x) => ema.push(x));
    expect(got.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(got.slice(2)).toEqual([2, 3, 5.5]);
    expect(ema.isStable).toBe(true);
  });

  it('EMA(5) over the Tulip Indicators sample closes, SMA-seeded (hand values)', () => {
    // closes of the sample used by tulipindicators.org and trading-signals' tests
    const closes = [81.59, 81.06, 82.87, 83.0, 83.61, 83.15, 82.84, 83.99, 84.55, 84.36];
    const out = emaInto(closes, 5, new Float64Array(closes.length));
    // seed: mean of the first five = 82.426; then e += (x − e) / 3
    const expected = [82.426];
    for (const x of closes.slice(5))
      expected.push(expected[expected.length - 1] + (x - expected[expected.length - 1]) / 3);
    expect(out[4]).toBeCloseTo(82.426, 12);
    for (let k = 0; k < expected.length; k++) expect(out[4 + k]).toBeCloseTo(expected[k], 12);
    // by hand: 82.426 → 82.6673 → 82.7249 → 83.1466 → 83.6144 → 83.8629
    expect([5, 6, 7, 8, 9].map((i) => out[i].toFixed(4))).toEqual([
      '82.6673',
      '82.7249',
      '83.1466',
      '83.6144',
      '83.8629',
    ]);
  });

  it('a constant input gives the constant; the value never depends on later inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        (xs, period) => {
          const full = emaInto(xs, period, new Float64Array(xs.length));
          const cut = Math.floor(xs.length / 2);
          const part = emaInto(xs.slice(0, cut), period, new Float64Array(cut));
          for (let i = 0; i < cut; i++) expect(Object.is(part[i], full[i])).toBe(true);
          const flat = emaInto(new Array(xs.length).fill(xs[0]), period, new Float64Array(xs.length));
          for (let i = period - 1; i < xs.length; i++) expect(flat[i]).toBeCloseTo(xs[0], 6);
        },
      ),
    );
  });

  it('refuses a period below 1', () => {
    expect(() => new Ema(0)).toThrow(/period 0 is invalid/);
  });
});
