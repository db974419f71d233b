import { mean, sampleKurtosis, sampleSkewness, sampleStandardDeviation } from 'simple-statistics';

/** The first four moments of a return series as the Sharpe-ratio statistics need them. */
export interface ReturnMoments {
  /** Number of observations. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Sample skewness γ₃ (bias-corrected; 0 for fewer than 3 points or a constant series). */
  skew: number;
  /**
   * Kurtosis γ₄ in the papers' convention: NOT excess, 3 for a normal distribution (bias-corrected sample
   * excess kurtosis + 3; 3 for fewer than 4 points or a constant series).
   */
  kurtosis: number;
}

/** Moments of `values`; needs at least two observations. */
export function returnMoments(values: ArrayLike<number>): ReturnMoments {
  const xs = Array.from(values);
  if (xs.length < 2) {
    throw new RangeError(`moments need at least 2 observations, got ${xs.length}`);
  }
  const std = sampleStandardDeviation(xs);
  // A constant series has no shape; the normal values keep PSR finite and neutral.
  const skew = std > 0 && xs.length >= 3 ? sampleSkewness(xs) : 0;
  const kurtosis = std > 0 && xs.length >= 4 ? sampleKurtosis(xs) + 3 : 3;
  return { n: xs.length, mean: mean(xs), std, skew, kurtosis };
}

/**
 * Per-period (not annualised) Sharpe ratio mean/std with a zero risk-free rate. A series with no
 * variation has Sharpe 0 when its mean is 0 (a config that never traded) and ±∞ otherwise.
 */
export function sharpeOf(m: Pick<ReturnMoments, 'mean' | 'std'>): number {
  if (m.std > 0) return m.mean / m.std;
  if (m.mean === 0) return 0;
  return m.mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
