import { binomial, combinations } from './combinations.ts';

export interface CscvOptions {
  /**
   * Number S of equal, contiguous row blocks (even, ≥ 2). All C(S, S/2) splits into in-sample and
   * out-of-sample halves are evaluated. Default 16 (12,870 splits), capped so every block has ≥ 2 rows.
   */
  partitions?: number;
}

export interface CscvSplit {
  /** Blocks forming the in-sample half. */
  inSample: readonly number[];
  /** Index of the configuration with the best in-sample Sharpe (lowest index on ties). */
  best: number;
  /** Its in-sample and out-of-sample per-period Sharpe ratios. */
  isSharpe: number;
  oosSharpe: number;
  /** Relative OOS rank ω̄ = rank / (N + 1) of the IS-best (rank 1 = worst, ties share their mean rank). */
  relativeRank: number;
  /** Logit λ = ln(ω̄ / (1 − ω̄)); ≤ 0 means the IS-best did not beat the OOS median. */
  logit: number;
}

export interface CscvResult {
  /**
   * Probability of backtest overfitting: the share of splits whose logit λ ≤ 0 (the IS-best did not beat
   * the OOS median; a tie at the median counts, as in the paper's ∫_{−∞}^0 and the R package pbo).
   */
  pbo: number;
  /** Share of splits where the IS-best configuration lost money out of sample (OOS Sharpe < 0). */
  probabilityOfOosLoss: number;
  partitions: number;
  /** Rows used: the oldest T mod S rows are dropped so every block has the same length. */
  rowsUsed: number;
  configs: number;
  splits: CscvSplit[];
}

interface Block {
  count: number;
  /** Sum and sum of squares of (x − shift), shift = the column mean, to avoid cancellation. */
  sum: Float64Array;
  sumSq: Float64Array;
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado, Zhu, "The Probability of Backtest Overfitting", J. Computational Finance 20(4), 2017;
 * SSRN 2326253, 2015). `returns[n]` is configuration n's per-period return series; all have the same length
 * T and are aligned in time. The performance statistic is the per-period Sharpe ratio of the rows in each
 * half, as in the paper.
 */
export function probabilityOfBacktestOverfitting(
  returns: ReadonlyArray<ArrayLike<number>>,
  opts: CscvOptions = {},
): CscvResult {
  const N = returns.length;
  if (N < 2) throw new RangeError(`CSCV needs at least 2 configurations, got ${N}`);
  const T = returns[0].length;
  for (let n = 1; n < N; n++) {
    if (returns[n].length !== T) {
      throw new RangeError(
        `configuration ${n} has ${returns[n].length} returns but configuration 0 has ${T}: align them on the same periods`,
      );
    }
  }
  const S = opts.partitions ?? Math.min(16, 2 * Math.floor(T / 4));
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0) {
    throw new RangeError(`partitions must be an even whole number >= 2, got ${S}`);
  }
  const blockLen = Math.floor(T / S);
  if (blockLen < 2) {
    throw new RangeError(`${T} periods cannot form ${S} blocks of at least 2 rows: use fewer partitions`);
  }
  const start = T - blockLen * S;

  const shift = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let t = start; t < T; t++) s += returns[n][t];
    shift[n] = s / (T - start);
  }
  const blocks: Block[] = [];
  for (let b = 0; b < S; b++) {
    const sum = new Float64Array(N);
    const sumSq = new Float64Array(N);
    const from = start + b * blockLen;
    for (let n = 0; n < N; n++) {
      const col = returns[n];
      let s = 0;
      let q = 0;
      for (let t = from; t < from + blockLen; t++) {
        const d = col[t] - shift[n];
        s += d;
        q += d * d;
      }
      sum[n] = s;
      sumSq[n] = q;
    }
    blocks.push({ count: blockLen, sum, sumSq });
  }

  const half = S / 2;
  const isSharpe = new Float64Array(N);
  const oosSharpe = new Float64Array(N);
  const splits: CscvSplit[] = [];
  let overfit = 0;
  let losses = 0;
  for (const inSample of combinations(S, half)) {
    const inSet = new Set(inSample);
    const outSample: number[] = [];
    for (let b = 0; b < S; b++) if (!inSet.has(b)) outSample.push(b);
    sharpeOver(blocks, inSample, shift, isSharpe);
    sharpeOver(blocks, outSample, shift, oosSharpe);
    let best = 0;
    for (let n = 1; n < N; n++) if (isSharpe[n] > isSharpe[best]) best = n;
    const target = oosSharpe[best];
    let below = 0;
    let equal = 0;
    for (let n = 0; n < N; n++) {
      if (oosSharpe[n] < target) below++;
      else if (oosSharpe[n] === target) equal++;
    }
    const rank = below + (equal + 1) / 2;
    const relativeRank = rank / (N + 1);
    const logit = Math.log(relativeRank / (1 - relativeRank));
    if (logit <= 0) overfit++;
    if (target < 0) losses++;
    splits.push({
      inSample,
      best,
      isSharpe: isSharpe[best],
      oosSharpe: target,
      relativeRank,
      logit,
    });
  }
  const C = binomial(S, half);
  return {
    pbo: overfit / C,
    probabilityOfOosLoss: losses / C,
    partitions: S,
    rowsUsed: T - start,
    configs: N,
    splits,
  };
}

function sharpeOver(blocks: Block[], which: readonly number[], shift: Float64Array, out: Float64Array): void {
  const N = out.length;
  let count = 0;
  for (const b of which) count += blocks[b].count;
  for (let n = 0; n < N; n++) {
    let s = 0;
    let q = 0;
    for (const b of which) {
      s += blocks[b].sum[n];
      q += blocks[b].sumSq[n];
    }
    const meanDev = s / count;
    const variance = Math.max(0, (q - s * meanDev) / (count - 1));
    const mean = meanDev + shift[n];
    // Tiny negative/positive residues from the shifted sums are rounding, not variation.
    const std = variance > 1e-30 ? Math.sqrt(variance) : 0;
    out[n] =
      std > 0 ? mean / std : mean === 0 ? 0 : mean > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
}
