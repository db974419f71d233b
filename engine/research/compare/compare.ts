import type { ConfigOutcome } from '../outcome.ts';
import {
  type BlockMethod,
  type BootstrapInterval,
  blockBootstrap,
  differenceInterval,
} from '../stats/bootstrap.ts';
import { annualisedSharpe, RETURN_STATISTICS, type ReturnStatisticName } from '../stats/return-stats.ts';
import {
  deflatedSharpeRatio,
  probabilisticSharpeRatio,
  type SharpeSample,
  sharpeSampleOf,
} from '../stats/sharpe-inference.ts';
import { alignOutcomes, selectionStatistics } from '../sweep-stats.ts';

/** The metrics of the side-by-side table, in column order (engine/metrics names). */
export const COMPARE_METRICS = [
  'trades',
  'winRate',
  'expectancy',
  'profitFactor',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'exposure',
  'totalReturn',
] as const;

export interface NamedOutcome {
  name: string;
  outcome: ConfigOutcome;
}

export interface CompareOptions {
  seed: number;
  resamples?: number;
  blockLength?: number;
  method?: BlockMethod;
  confidence?: number;
  /**
   * Trials behind the comparison for the deflated Sharpe ratio: at least the number of variants; more
   * when the variants came out of sweeps (pass every config those sweeps ran).
   */
  trials?: number;
  /**
   * Variance of the trials' per-day Sharpe ratios for the deflated Sharpe ratio; default: the variance
   * across the compared variants. Pass the variance across every config of the sweeps behind them.
   */
  trialSharpeVariance?: number;
}

export interface VariantRow {
  name: string;
  metrics: Record<string, number | null>;
  funnel: Record<string, Record<string, number>> | null;
  /** Per-day Sharpe sample on the common days, PSR against 0 and DSR against E[max] of `trials`. */
  sample: SharpeSample | null;
  psr: number | null;
  dsr: number | null;
  /**
   * The variant's own annualised Sharpe ratio on the common days with its seeded block-bootstrap
   * interval (the same resampling as the differences); null below 2 days.
   */
  sharpeInterval: BootstrapInterval | null;
}

export interface VariantDifference {
  name: string;
  /** variant − baseline for each daily-return statistic, with a paired block-bootstrap interval. */
  statistics: Record<ReturnStatisticName, BootstrapInterval>;
}

export interface Comparison {
  baseline: string;
  /** Common days the return statistics use. */
  firstDay: number | null;
  days: number;
  trials: number;
  rows: VariantRow[];
  differences: VariantDifference[];
  pbo: number | null;
  pboNote: string | null;
}

/**
 * Compares variants run on the same data: the side-by-side metrics, each variant's difference to the
 * baseline on the daily-return statistics with seeded paired block-bootstrap confidence intervals, PSR,
 * DSR (N = `trials`) and the CSCV probability of backtest overfitting across the variants.
 */
export function compareOutcomes(
  named: readonly NamedOutcome[],
  baseline: string,
  opts: CompareOptions,
): Comparison {
  const base = named.findIndex((n) => n.name === baseline);
  if (base < 0)
    throw new RangeError(
      `baseline '${baseline}' is not among the variants: ${named.map((n) => n.name).join(', ')}`,
    );
  const trials = Math.max(named.length, opts.trials ?? 0);
  const aligned = alignOutcomes(named.map((n) => n.outcome));
  const days = aligned?.columns[0].length ?? 0;

  const sel = selectionStatistics(
    named.map((n, i) => ({
      ...n.outcome,
      firstDay: aligned?.firstDay ?? null,
      daily: aligned ? Array.from(aligned.columns[i]) : [],
    })),
    null,
  );
  const variance = opts.trialSharpeVariance ?? sel.trialSharpeVariance ?? 0;

  const rows: VariantRow[] = named.map((n, i) => {
    const col = aligned?.columns[i];
    let sample: SharpeSample | null = null;
    let psr: number | null = null;
    let dsr: number | null = null;
    let sharpeInterval: BootstrapInterval | null = null;
    if (col && col.length >= 2) {
      sharpeInterval = blockBootstrap([col], ([d]) => annualisedSharpe(d), {
        seed: opts.seed,
        resamples: opts.resamples,
        blockLength: opts.blockLength,
        method: opts.method,
        confidence: opts.confidence,
      });
      const s = sharpeSampleOf(col);
      sample = { sharpe: s.sharpe, n: s.n, skew: s.skew, kurtosis: s.kurtosis };
      psr = probabilisticSharpeRatio(sample, 0);
      dsr = deflatedSharpeRatio(sample, trials, variance).dsr;
    }
    return {
      name: n.name,
      metrics: n.outcome.metrics,
      funnel: n.outcome.funnel ?? null,
      sample,
      psr,
      dsr,
      sharpeInterval,
    };
  });

  const differences: VariantDifference[] = [];
  if (aligned && days >= 2) {
    named.forEach((n, i) => {
      if (i === base) return;
      const statistics = {} as Record<ReturnStatisticName, BootstrapInterval>;
      for (const [stat, fn] of Object.entries(RETURN_STATISTICS) as [
        ReturnStatisticName,
        (d: Float64Array) => number,
      ][]) {
        statistics[stat] = differenceInterval(aligned.columns[i], aligned.columns[base], fn, {
          seed: opts.seed,
          resamples: opts.resamples,
          blockLength: opts.blockLength,
          method: opts.method,
          confidence: opts.confidence,
        });
      }
      differences.push({ name: n.name, statistics });
    });
  }
  return {
    baseline,
    firstDay: aligned?.firstDay ?? null,
    days,
    trials,
    rows,
    differences,
    pbo: sel.pbo?.pbo ?? null,
    pboNote: sel.pboNote,
  };
}
