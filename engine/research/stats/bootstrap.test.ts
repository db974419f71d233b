import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../rng.ts';
import {
  blockBootstrap,
  blockBootstrapIndices,
  defaultBlockLength,
  differenceInterval,
} from './bootstrap.ts';
import { meanReturn } from './return-stats.ts';

const meanOf = ([x]: ReadonlyArray<Float64Array>) => meanReturn(x);

function ar1(rng: SeededRng, n: number, phiCoef: number): Float64Array {
  const x = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev = phiCoef * prev + rng.normal();
    x[i] = prev;
  }
  return x;
}

describe('block bootstrap indices', () => {
  it('moving blocks are runs of exactly L consecutive indices (the last one truncated)', () => {
    const idx = blockBootstrapIndices(23, 5, new SeededRng(1), 'moving');
    for (let b = 0; b < 23; b += 5) {
      for (let j = b + 1; j < Math.min(b + 5, 23); j++) expect(idx[j]).toBe(idx[j - 1] + 1);
      expect(idx[b]).toBeLessThanOrEqual(23 - 5);
    }
  });

  it('stationary blocks wrap around and have mean length L', () => {
    const rng = new SeededRng(2);
    const n = 1000;
    let breaks = 0;
    let draws = 0;
    for (let r = 0; r < 50; r++) {
      const idx = blockBootstrapIndices(n, 8, rng, 'stationary');
      for (let i = 1; i < n; i++) {
        draws++;
        if (idx[i] !== (idx[i - 1] + 1) % n) breaks++;
      }
    }
    // A new block starts with probability 1/L (a fresh start can coincide with the next index: 1/n).
    expect(draws / breaks).toBeGreaterThan(7.4);
    expect(draws / breaks).toBeLessThan(8.6);
  });

  it('default block length is ⌈n^(1/3)⌉', () => {
    expect(defaultBlockLength(365)).toBe(8);
    expect(defaultBlockLength(1)).toBe(1);
  });
});

describe('block bootstrap intervals', () => {
  it('the same seed gives the same interval, another seed another one', () => {
    const x = ar1(new SeededRng(3), 300, 0.3);
    const a = blockBootstrap([x], meanOf, { seed: 9, resamples: 300 });
    const b = blockBootstrap([x], meanOf, { seed: 9, resamples: 300 });
    const c = blockBootstrap([x], meanOf, { seed: 10, resamples: 300 });
    expect(a).toEqual(b);
    expect(c.low).not.toBe(a.low);
    expect(a.low).toBeLessThan(a.estimate);
    expect(a.high).toBeGreaterThan(a.estimate);
  });

  // Second, independent computation: the analytic standard error of a mean. For i.i.d. data with L = 1
  // it is s/√n; for AR(1) with coefficient φ the long-run standard error is σ_ε / (1 − φ) / √n. The i.i.d.
  // bootstrap must miss the second by far, the block bootstrap must get close.
  it('with blocks of 1 reproduces s/√n on i.i.d. data', () => {
    const x = ar1(new SeededRng(4), 1000, 0);
    const r = blockBootstrap([x], meanOf, { seed: 1, resamples: 3000, blockLength: 1, method: 'moving' });
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    const analytic = Math.sqrt(s / (x.length - 1)) / Math.sqrt(x.length);
    expect(Math.abs(r.standardError / analytic - 1)).toBeLessThan(0.06);
  });

  for (const method of ['stationary', 'moving'] as const) {
    it(`${method} blocks recover the long-run standard error of an AR(1) mean`, () => {
      const n = 4000;
      const phiCoef = 0.6;
      const x = ar1(new SeededRng(5), n, phiCoef);
      const longRun = 1 / (1 - phiCoef) / Math.sqrt(n);
      const iid = blockBootstrap([x], meanOf, { seed: 2, resamples: 1500, blockLength: 1, method });
      const block = blockBootstrap([x], meanOf, { seed: 2, resamples: 1500, blockLength: 40, method });
      expect(iid.standardError / longRun).toBeLessThan(0.7);
      expect(Math.abs(block.standardError / longRun - 1)).toBeLessThan(0.15);
    });
  }

  it('the difference of a series to itself is exactly zero in every resample', () => {
    const x = ar1(new SeededRng(6), 200, 0.2);
    const d = differenceInterval(x, x, meanReturn, { seed: 3, resamples: 200 });
    expect([d.estimate, d.low, d.high, d.standardError]).toEqual([0, 0, 0, 0]);
  });

  it('a paired difference is tighter than the unpaired spread when the series move together', () => {
    const rng = new SeededRng(8);
    const common = ar1(rng, 500, 0.1);
    const variant = common.map((v) => v + 0.05 + 0.1 * rng.normal());
    const paired = differenceInterval(variant, common, meanReturn, { seed: 4, resamples: 800 });
    const alone = blockBootstrap([variant], meanOf, { seed: 4, resamples: 800 });
    expect(paired.estimate).toBeCloseTo(meanReturn(variant) - meanReturn(common), 14);
    expect(paired.high - paired.low).toBeLessThan((alone.high - alone.low) / 3);
    expect(paired.low).toBeGreaterThan(0);
  });

  it('refuses misaligned series', () => {
    expect(() => differenceInterval([1, 2, 3], [1, 2], meanReturn, { seed: 1 })).toThrow(/aligned/);
  });
});
