import { quantileSorted } from 'simple-statistics';
import { SeededRng } from '../../rng.ts';

/**
 * Block bootstrap for serially dependent series (daily strategy returns are: positions span days).
 * - `stationary` (Politis & Romano 1994, default): blocks of geometric length with mean `blockLength`,
 *   wrapping around the end, so every observation is equally likely and the resampled series is stationary.
 * - `moving` (Künsch 1989): blocks of exactly `blockLength` consecutive observations starting anywhere in
 *   [0, n − blockLength], the last one truncated to length n.
 * The default mean block length is ⌈n^(1/3)⌉, the usual rate-optimal order for variance estimation.
 */
export type BlockMethod = 'stationary' | 'moving';

export interface BootstrapOptions {
  /** Seed for SeededRng: the same seed gives the same interval on every machine. */
  seed: number;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** (Mean) block length in observations (default ⌈n^(1/3)⌉). */
  blockLength?: number;
  method?: BlockMethod;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
}

export interface BootstrapInterval {
  /** The statistic on the original series. */
  estimate: number;
  /** Percentile interval bounds. */
  low: number;
  high: number;
  /** Standard deviation of the bootstrap distribution. */
  standardError: number;
  resamples: number;
  blockLength: number;
  method: BlockMethod;
  confidence: number;
}

export function defaultBlockLength(n: number): number {
  return Math.max(1, Math.ceil(Math.cbrt(n)));
}

/** Fills `out` (length n) with one block-bootstrap resample of the indices 0..n−1. */
export function blockBootstrapIndices(
  n: number,
  blockLength: number,
  rng: SeededRng,
  method: BlockMethod,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  if (n < 1) throw new RangeError('a bootstrap needs at least one observation');
  if (!(blockLength >= 1)) throw new RangeError(`blockLength must be >= 1, got ${blockLength}`);
  if (method === 'moving') {
    const L = Math.min(Math.round(blockLength), n);
    let i = 0;
    while (i < n) {
      const start = rng.int(0, n - L + 1);
      for (let j = 0; j < L && i < n; j++) out[i++] = start + j;
    }
    return out;
  }
  const pNew = 1 / blockLength;
  let cur = rng.int(0, n);
  out[0] = cur;
  for (let i = 1; i < n; i++) {
    cur = rng.next() < pNew ? rng.int(0, n) : (cur + 1) % n;
    out[i] = cur;
  }
  return out;
}

/** A statistic of one or more aligned series, evaluated on the resampled rows. */
export type Statistic = (series: ReadonlyArray<Float64Array>) => number;

/**
 * Percentile confidence interval of `statistic` over aligned `series` (e.g. a variant's and the
 * baseline's daily returns on the same days) resampled jointly with the same block indices, so the
 * dependence between the series is kept. Non-finite statistics of a resample are skipped and counted out
 * of `resamples`.
 */
export function blockBootstrap(
  series: ReadonlyArray<ArrayLike<number>>,
  statistic: Statistic,
  opts: BootstrapOptions,
): BootstrapInterval {
  if (series.length === 0) throw new RangeError('blockBootstrap needs at least one series');
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n)
      throw new RangeError(`bootstrap series must be aligned: lengths ${n} and ${s.length}`);
  }
  const resamples = opts.resamples ?? 2000;
  const blockLength = opts.blockLength ?? defaultBlockLength(n);
  const method = opts.method ?? 'stationary';
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const original = series.map((s) => Float64Array.from(s));
  const estimate = statistic(original);
  const rng = new SeededRng(opts.seed);
  const idx = new Int32Array(n);
  const buffers = series.map(() => new Float64Array(n));
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    blockBootstrapIndices(n, blockLength, rng, method, idx);
    for (let k = 0; k < original.length; k++) {
      const src = original[k];
      const dst = buffers[k];
      for (let i = 0; i < n; i++) dst[i] = src[idx[i]];
    }
    const v = statistic(buffers);
    if (Number.isFinite(v)) draws.push(v);
  }
  if (draws.length === 0) {
    return {
      estimate,
      low: Number.NaN,
      high: Number.NaN,
      standardError: Number.NaN,
      resamples,
      blockLength,
      method,
      confidence,
    };
  }
  draws.sort((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  let m = 0;
  for (const d of draws) m += d;
  m /= draws.length;
  let v = 0;
  for (const d of draws) v += (d - m) * (d - m);
  return {
    estimate,
    low: quantileSorted(draws, alpha),
    high: quantileSorted(draws, 1 - alpha),
    standardError: draws.length > 1 ? Math.sqrt(v / (draws.length - 1)) : 0,
    resamples,
    blockLength,
    method,
    confidence,
  };
}

/**
 * Confidence interval of `statistic(variant) − statistic(baseline)` on aligned daily returns, both
 * resampled with the same blocks (a paired block bootstrap).
 */
export function differenceInterval(
  variant: ArrayLike<number>,
  baseline: ArrayLike<number>,
  statistic: (returns: Float64Array) => number,
  opts: BootstrapOptions,
): BootstrapInterval {
  return blockBootstrap([variant, baseline], ([v, b]) => statistic(v) - statistic(b), opts);
}
