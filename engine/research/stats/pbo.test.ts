import fc from 'fast-check';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../rng.ts';
import { binomial, combinations } from './combinations.ts';
import { probabilityOfBacktestOverfitting } from './pbo.ts';

/**
 * Second, independent computation of CSCV (Bailey, Borwein, López de Prado, Zhu 2015/2017), written as
 * literally as the paper describes it: enumerate the in-sample halves by bit masks, build the sub-matrices
 * J and J̄ by concatenating rows, compute each column's Sharpe with simple-statistics, pick n* = argmax on J,
 * rank n* among the J̄ Sharpes by sorting, ω̄ = rank/(N+1), λ = logit(ω̄), PBO = share of λ ≤ 0.
 */
function bruteForcePbo(cols: number[][], S: number): { pbo: number; logits: Map<string, number> } {
  const N = cols.length;
  const T = cols[0].length;
  const len = Math.floor(T / S);
  const start = T - len * S;
  const logits = new Map<string, number>();
  let overfit = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << S; mask++) {
    let bits = 0;
    for (let b = 0; b < S; b++) if (mask & (1 << b)) bits++;
    if (bits !== S / 2) continue;
    const sharpe = (col: number[], inside: boolean) => {
      const rows: number[] = [];
      for (let b = 0; b < S; b++) {
        if (Boolean(mask & (1 << b)) !== inside) continue;
        rows.push(...col.slice(start + b * len, start + (b + 1) * len));
      }
      return mean(rows) / sampleStandardDeviation(rows);
    };
    const is = cols.map((c) => sharpe(c, true));
    const oos = cols.map((c) => sharpe(c, false));
    const best = is.indexOf(Math.max(...is));
    const sorted = [...oos].sort((a, b) => a - b);
    const firstPos = sorted.indexOf(oos[best]) + 1;
    const lastPos = sorted.lastIndexOf(oos[best]) + 1;
    const w = (firstPos + lastPos) / 2 / (N + 1);
    const lambda = Math.log(w / (1 - w));
    const key = Array.from({ length: S }, (_, b) => b)
      .filter((b) => mask & (1 << b))
      .join(',');
    logits.set(key, lambda);
    if (lambda <= 0) overfit++;
    total++;
  }
  return { pbo: overfit / total, logits };
}

function noise(rng: SeededRng, N: number, T: number, drift: (n: number) => number = () => 0): number[][] {
  return Array.from({ length: N }, (_, n) => Array.from({ length: T }, () => drift(n) + rng.normal()));
}

describe('probability of backtest overfitting (CSCV)', () => {
  it('agrees split by split with a literal brute-force implementation on random small matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(2, 4, 6),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (N, S, extra, seed) => {
          const rng = new SeededRng(seed);
          const T = S * 3 + extra;
          const cols = noise(rng, N, T);
          const fast = probabilityOfBacktestOverfitting(cols, { partitions: S });
          const slow = bruteForcePbo(cols, S);
          expect(fast.pbo).toBeCloseTo(slow.pbo, 12);
          expect(fast.splits.length).toBe(slow.logits.size);
          for (const split of fast.splits) {
            const want = slow.logits.get(split.inSample.join(','));
            expect(want).toBeDefined();
            expect(split.logit).toBeCloseTo(want ?? Number.NaN, 9);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hand-worked case: two configs that swap places between halves are always overfit (PBO = 1)', () => {
    // S = 2: the splits are {block 0 IS, block 1 OOS} and the reverse. Config 0 wins block 0 and loses
    // block 1; config 1 the opposite. The IS-best always ranks 1 of 2 OOS: ω̄ = 1/3, λ = ln(1/2) < 0.
    const a = [1, 2, 1, 2, -1, -2, -1, -2];
    const b = [-1, -2, -1, -2, 1, 2, 1, 2];
    const r = probabilityOfBacktestOverfitting([a, b], { partitions: 2 });
    expect(r.splits.map((s) => s.best)).toEqual([0, 1]);
    for (const s of r.splits) expect(s.logit).toBeCloseTo(Math.log(0.5), 14);
    expect(r.pbo).toBe(1);
    expect(r.probabilityOfOosLoss).toBe(1);
  });

  it('a config that is best everywhere is never overfit (PBO = 0)', () => {
    const rng = new SeededRng(3);
    const cols = noise(rng, 8, 160, (n) => (n === 5 ? 3 : 0));
    const r = probabilityOfBacktestOverfitting(cols, { partitions: 8 });
    expect(r.splits.every((s) => s.best === 5)).toBe(true);
    expect(r.pbo).toBe(0);
  });

  it('pure noise gives a PBO near one half', () => {
    const rng = new SeededRng(11);
    const r = probabilityOfBacktestOverfitting(noise(rng, 30, 480), { partitions: 10 });
    expect(r.splits.length).toBe(binomial(10, 5));
    expect(r.pbo).toBeGreaterThan(0.3);
    expect(r.pbo).toBeLessThan(0.7);
  });

  it('drops the oldest T mod S rows and refuses what it cannot split', () => {
    const rng = new SeededRng(5);
    expect(probabilityOfBacktestOverfitting(noise(rng, 3, 37), { partitions: 4 }).rowsUsed).toBe(36);
    expect(() => probabilityOfBacktestOverfitting(noise(rng, 3, 10), { partitions: 6 })).toThrow(/blocks/);
    expect(() => probabilityOfBacktestOverfitting(noise(rng, 3, 40), { partitions: 5 })).toThrow(/even/);
    expect(() => probabilityOfBacktestOverfitting([[1, 2, 3, 4]], { partitions: 2 })).toThrow(
      /2 configurations/,
    );
  });
});

describe('combinations', () => {
  it('enumerates n choose k distinct sorted subsets in lexicographic order', () => {
    const all = [...combinations(6, 3)].map((c) => c.join(','));
    expect(all.length).toBe(binomial(6, 3));
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(all);
    expect(binomial(16, 8)).toBe(12870);
  });
});
