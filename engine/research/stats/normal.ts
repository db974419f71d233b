import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** Standard normal cumulative distribution Φ(x) (stdlib, not a hand-rolled approximation). */
export function phi(x: number): number {
  return normalCdf(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p); −∞ at 0 and +∞ at 1. */
export function phiInverse(p: number): number {
  return normalQuantile(p, 0, 1);
}
