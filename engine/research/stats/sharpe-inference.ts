import { type ReturnMoments, returnMoments, sharpeOf } from './moments.ts';
import { phi, phiInverse } from './normal.ts';

/** Euler–Mascheroni constant γ, used by the expected maximum of N normal draws. */
export const EULER_MASCHERONI = 0.5772156649015329;

/** What PSR needs about one track record. Sharpe ratios are per period (NOT annualised). */
export interface SharpeSample {
  /** Observed per-period Sharpe ratio SR̂. */
  sharpe: number;
  /** Number of return observations n. */
  n: number;
  /** Skewness γ₃ of the returns. */
  skew: number;
  /** Kurtosis γ₄ of the returns, non-excess (3 for a normal distribution). */
  kurtosis: number;
}

/**
 * Standard deviation of the Sharpe-ratio estimator under non-normal i.i.d. returns (Mertens 2002, as used by
 * Bailey & López de Prado 2012): σ(SR̂) = √((1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) / (n − 1)).
 */
export function sharpeStandardError(s: SharpeSample): number {
  if (s.n < 2) throw new RangeError(`the Sharpe standard error needs n >= 2 observations, got ${s.n}`);
  const v = 1 - s.skew * s.sharpe + ((s.kurtosis - 1) / 4) * s.sharpe * s.sharpe;
  // v can only go negative for absurd skew/Sharpe pairs; the estimator is then meaningless, not zero.
  if (!(v > 0)) return Number.NaN;
  return Math.sqrt(v / (s.n - 1));
}

/**
 * Probabilistic Sharpe ratio (Bailey & López de Prado, "The Sharpe Ratio Efficient Frontier", 2012):
 * the probability that the true Sharpe ratio exceeds `benchmark`, given the observed SR̂, the track-record
 * length and the skewness and kurtosis of the returns. PSR(SR*) = Φ((SR̂ − SR*) / σ(SR̂)).
 * `benchmark` is per period, like `sharpe`.
 */
export function probabilisticSharpeRatio(s: SharpeSample, benchmark = 0): number {
  if (!Number.isFinite(s.sharpe)) return s.sharpe > benchmark ? 1 : 0;
  const se = sharpeStandardError(s);
  if (Number.isNaN(se)) return Number.NaN;
  return phi((s.sharpe - benchmark) / se);
}

/** The SharpeSample of a per-period return series (its Sharpe, length, skewness, kurtosis). */
export function sharpeSampleOf(returns: ArrayLike<number>): SharpeSample & { moments: ReturnMoments } {
  const moments = returnMoments(returns);
  return {
    sharpe: sharpeOf(moments),
    n: moments.n,
    skew: moments.skew,
    kurtosis: moments.kurtosis,
    moments,
  };
}

/**
 * Expected maximum of `trials` independent Sharpe estimates drawn from N(mean, variance) (Bailey, Borwein,
 * López de Prado, Zhu 2014, "Pseudo-mathematics and financial charlatanism", via the Gumbel approximation):
 * E[max] ≈ mean + √variance · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))). One trial has no selection: 0.
 */
export function expectedMaxSharpe(trials: number, variance: number, mean = 0): number {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`the number of trials must be a whole number >= 1, got ${trials}`);
  }
  if (!(variance >= 0))
    throw new RangeError(`the variance of trial Sharpe ratios must be >= 0, got ${variance}`);
  if (trials === 1) return mean;
  const z =
    (1 - EULER_MASCHERONI) * phiInverse(1 - 1 / trials) +
    EULER_MASCHERONI * phiInverse(1 - 1 / (trials * Math.E));
  return mean + Math.sqrt(variance) * z;
}

export interface DeflatedSharpe {
  /** DSR: PSR against the expected maximum Sharpe of `trials` unskilled trials. */
  dsr: number;
  /** The benchmark SR₀ = E[max SR̂ₙ] the observed Sharpe had to beat (per period). */
  benchmark: number;
  trials: number;
}

/**
 * Deflated Sharpe ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio: Correcting for Selection Bias,
 * Backtest Overfitting and Non-Normality", J. Portfolio Management 40(5), 2014): PSR(SR₀) where SR₀ is the
 * expected maximum Sharpe of `trials` skill-less trials whose Sharpe estimates have variance
 * `trialSharpeVariance` (per-period units, like `sharpe`). `trials` is the number of configurations actually
 * run, not the number reported.
 */
export function deflatedSharpeRatio(
  s: SharpeSample,
  trials: number,
  trialSharpeVariance: number,
): DeflatedSharpe {
  const benchmark = expectedMaxSharpe(trials, trialSharpeVariance, 0);
  return { dsr: probabilisticSharpeRatio(s, benchmark), benchmark, trials };
}
