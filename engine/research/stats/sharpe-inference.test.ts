import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../rng.ts';
import { phi } from './normal.ts';
import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
  sharpeSampleOf,
  sharpeStandardError,
} from './sharpe-inference.ts';

describe('deflated Sharpe ratio: the published numerical example', () => {
  // Bailey, D. H. & López de Prado, M. (2014), "The Deflated Sharpe Ratio: Correcting for Selection Bias,
  // Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 94–107, section
  // "A numerical example": N = 100 trials, V[SR_n] = 1/2 (annualised), T = 1250 daily observations
  // (250 a year), best annualised SR 2.5, skewness −3, kurtosis 10. The paper reports
  // E[max SR_n] ≈ 0.1132 (non-annualised) and DSR ≈ 0.9004.
  const periods = 250;
  const sample = { sharpe: 2.5 / Math.sqrt(periods), n: 1250, skew: -3, kurtosis: 10 };
  const variance = 0.5 / periods;

  it('expected maximum Sharpe of 100 trials is 0.1132', () => {
    expect(expectedMaxSharpe(100, variance)).toBeCloseTo(0.1132, 4);
  });

  it('DSR is 0.9004', () => {
    const r = deflatedSharpeRatio(sample, 100, variance);
    expect(r.dsr).toBeCloseTo(0.9004, 4);
    expect(r.trials).toBe(100);
  });
});

describe('expected maximum Sharpe against exact numerical integration', () => {
  // Second, independent computation: E[max of N iid N(0,1)] = ∫ x · N φ(x) Φ(x)^(N−1) dx by the trapezoid
  // rule. The paper's Gumbel-based formula is an approximation; it must stay within 3% for these N.
  function exactExpectedMax(N: number): number {
    const h = 1e-3;
    let s = 0;
    for (let x = -10; x <= 10; x += h) {
      const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      s += x * N * pdf * phi(x) ** (N - 1) * h;
    }
    return s;
  }
  for (const N of [10, 100, 1000]) {
    it(`N = ${N}`, () => {
      const exact = exactExpectedMax(N);
      const approx = expectedMaxSharpe(N, 1);
      expect(Math.abs(approx / exact - 1)).toBeLessThan(0.03);
    });
  }
  it('scales with the standard deviation of the trials and shifts with their mean', () => {
    expect(expectedMaxSharpe(50, 4, 0.1)).toBeCloseTo(0.1 + 2 * expectedMaxSharpe(50, 1), 12);
  });
  it('one trial has no selection bias', () => {
    expect(expectedMaxSharpe(1, 3)).toBe(0);
  });
});

describe('probabilistic Sharpe ratio', () => {
  it('reduces to Lo (2002) for normal returns: σ(SR̂) = √((1 + SR²/2)/(n − 1))', () => {
    const sr = 0.2;
    const n = 500;
    expect(sharpeStandardError({ sharpe: sr, n, skew: 0, kurtosis: 3 })).toBeCloseTo(
      Math.sqrt((1 + (sr * sr) / 2) / (n - 1)),
      14,
    );
  });

  it('PSR at a benchmark equal to SR̂ is 0.5, and grows with the track-record length', () => {
    const s = { sharpe: 0.1, n: 100, skew: 0, kurtosis: 3 };
    expect(probabilisticSharpeRatio(s, 0.1)).toBeCloseTo(0.5, 12);
    expect(probabilisticSharpeRatio({ ...s, n: 1000 }, 0)).toBeGreaterThan(probabilisticSharpeRatio(s, 0));
  });

  it('negative skew and fat tails lower PSR for a positive Sharpe', () => {
    const normal = probabilisticSharpeRatio({ sharpe: 0.1, n: 250, skew: 0, kurtosis: 3 });
    const ugly = probabilisticSharpeRatio({ sharpe: 0.1, n: 250, skew: -2, kurtosis: 12 });
    expect(ugly).toBeLessThan(normal);
  });

  // Second, independent computation by Monte Carlo: returns r = μ + σ(E − 1) with E ~ Exp(1) have skewness 2
  // and kurtosis 9 and true Sharpe μ/σ. The spread of SR̂ over many samples must match σ(SR̂) from the
  // formula (which differs by ~10% from the normal-returns value, so the skew/kurtosis terms are tested).
  it('σ(SR̂) matches the Monte Carlo spread of Sharpe estimates of skewed returns', () => {
    const rng = new SeededRng(42);
    const trueSr = 0.1;
    const n = 250;
    const reps = 4000;
    const estimates: number[] = [];
    const r = new Float64Array(n);
    for (let k = 0; k < reps; k++) {
      for (let i = 0; i < n; i++) r[i] = trueSr + (-Math.log(1 - rng.next()) - 1);
      estimates.push(sharpeSampleOf(r).sharpe);
    }
    const m = estimates.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - m) ** 2, 0) / (reps - 1));
    const formula = sharpeStandardError({ sharpe: trueSr, n, skew: 2, kurtosis: 9 });
    const normalFormula = sharpeStandardError({ sharpe: trueSr, n, skew: 0, kurtosis: 3 });
    expect(Math.abs(sd / formula - 1)).toBeLessThan(0.04);
    expect(Math.abs(sd / normalFormula - 1)).toBeGreaterThan(0.06);
  });

  it('is calibrated: with true SR equal to the benchmark, PSR > 0.95 in about 5% of samples', () => {
    const rng = new SeededRng(7);
    const n = 200;
    const reps = 4000;
    const r = new Float64Array(n);
    let rejections = 0;
    for (let k = 0; k < reps; k++) {
      for (let i = 0; i < n; i++) r[i] = 0.05 + rng.normal();
      if (probabilisticSharpeRatio(sharpeSampleOf(r), 0.05) > 0.95) rejections++;
    }
    expect(rejections / reps).toBeGreaterThan(0.035);
    expect(rejections / reps).toBeLessThan(0.065);
  });
});

describe('deflated Sharpe ratio properties', () => {
  it('with one trial equals PSR against 0', () => {
    const s = { sharpe: 0.12, n: 300, skew: -0.5, kurtosis: 5 };
    expect(deflatedSharpeRatio(s, 1, 0.01).dsr).toBe(probabilisticSharpeRatio(s, 0));
  });

  it('never rises when more trials were run', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.integer({ min: 30, max: 3000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 1e-6, max: 0.05, noNaN: true }),
        (sharpe, n, a, b, variance) => {
          const s = { sharpe, n, skew: 0, kurtosis: 3 };
          const [lo, hi] = a < b ? [a, b] : [b, a];
          expect(deflatedSharpeRatio(s, hi, variance).dsr).toBeLessThanOrEqual(
            deflatedSharpeRatio(s, lo, variance).dsr + 1e-15,
          );
        },
      ),
    );
  });
});
