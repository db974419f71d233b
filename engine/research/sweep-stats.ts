import { sampleVariance } from 'simple-statistics';
import type { ConfigOutcome } from './outcome.ts';
import { type CscvResult, probabilityOfBacktestOverfitting } from './stats/pbo.ts';
import {
  deflatedSharpeRatio,
  probabilisticSharpeRatio,
  type SharpeSample,
  sharpeSampleOf,
} from './stats/sharpe-inference.ts';

const DAY_MS = 86_400_000;

/** Daily returns of several runs on the days all of them cover. */
export interface AlignedDaily {
  firstDay: number;
  /** One column per run, equal lengths. */
  columns: Float64Array[];
}

export function alignOutcomes(outcomes: readonly ConfigOutcome[]): AlignedDaily | null {
  let first = Number.NEGATIVE_INFINITY;
  let last = Number.POSITIVE_INFINITY;
  for (const o of outcomes) {
    if (o.firstDay === null || o.daily.length === 0) return null;
    first = Math.max(first, o.firstDay);
    last = Math.min(last, o.firstDay + (o.daily.length - 1) * DAY_MS);
  }
  if (outcomes.length === 0 || last < first) return null;
  const n = (last - first) / DAY_MS + 1;
  const columns = outcomes.map((o) => {
    const start = ((first - (o.firstDay as number)) / DAY_MS) | 0;
    return Float64Array.from(o.daily.slice(start, start + n));
  });
  return { firstDay: first, columns };
}

/** How much a sweep's best result can be trusted, given everything that was tried. */
export interface SelectionStatistics {
  /** Configurations actually run: the N of the deflated Sharpe ratio. */
  trials: number;
  /** Variance of the trials' per-day Sharpe ratios. */
  trialSharpeVariance: number | null;
  /** Of the chosen config: per-day Sharpe sample, PSR against 0, DSR against E[max] of `trials`. */
  chosen: {
    sample: SharpeSample;
    psr: number;
    dsr: number;
    /** E[max SR] of `trials` skill-less trials (per day) that DSR measures against. */
    dsrBenchmark: number;
  } | null;
  /** CSCV over all configs (Sharpe as the performance statistic), or why it was not computed. */
  pbo: Omit<CscvResult, 'splits'> | null;
  pboNote: string | null;
}

/**
 * PSR and DSR of the chosen config (index into `outcomes`, or null) and the probability of backtest
 * overfitting of the whole sweep. Pure: the same outcomes give the same figures.
 */
export function selectionStatistics(
  outcomes: readonly ConfigOutcome[],
  chosen: number | null,
  opts: { partitions?: number } = {},
): SelectionStatistics {
  const trials = outcomes.length;
  const sharpes: number[] = [];
  for (const o of outcomes) {
    if (o.daily.length < 2) continue;
    const s = sharpeSampleOf(o.daily).sharpe;
    if (Number.isFinite(s)) sharpes.push(s);
  }
  const trialSharpeVariance = sharpes.length >= 2 ? sampleVariance(sharpes) : null;

  let chosenStats: SelectionStatistics['chosen'] = null;
  if (chosen !== null && outcomes[chosen].daily.length >= 2) {
    const full = sharpeSampleOf(outcomes[chosen].daily);
    const sample: SharpeSample = { sharpe: full.sharpe, n: full.n, skew: full.skew, kurtosis: full.kurtosis };
    const d = deflatedSharpeRatio(sample, trials, trialSharpeVariance ?? 0);
    chosenStats = { sample, psr: probabilisticSharpeRatio(sample, 0), dsr: d.dsr, dsrBenchmark: d.benchmark };
  }

  let pbo: SelectionStatistics['pbo'] = null;
  let pboNote: string | null = null;
  const aligned = trials >= 2 ? alignOutcomes(outcomes) : null;
  if (trials < 2) pboNote = 'CSCV needs at least 2 configs';
  else if (aligned === null) pboNote = 'the runs share no day of returns';
  else {
    const T = aligned.columns[0].length;
    const partitions = opts.partitions ?? Math.min(16, 2 * Math.floor(T / 4));
    if (partitions < 2) pboNote = `${T} days are too few for CSCV (need at least 4)`;
    else {
      const { splits: _splits, ...summary } = probabilityOfBacktestOverfitting(aligned.columns, {
        partitions,
      });
      pbo = summary;
    }
  }
  return { trials, trialSharpeVariance, chosen: chosenStats, pbo, pboNote };
}
