import { z } from 'zod';
import { variantDifferencesSpec, variantMetricsSpec } from '../../specs/compare.ts';
import { chart, note, type RunReport, table } from '../model.ts';
import { fmtCell, readJson, runFile } from './read-util.ts';

const IntervalSchema = z
  .object({ estimate: z.number(), low: z.number(), high: z.number(), confidence: z.number() })
  .loose();

const CompareResultSchema = z
  .object({
    kind: z.literal('compare'),
    packageVersion: z.string().default('unknown'),
    compareHash: z.string(),
    comparison: z
      .object({
        baseline: z.string(),
        days: z.number(),
        trials: z.number(),
        rows: z.array(
          z
            .object({
              name: z.string(),
              metrics: z.record(z.string(), z.number().nullable()),
              funnel: z.record(z.string(), z.record(z.string(), z.number())).nullable(),
              psr: z.number().nullable(),
              dsr: z.number().nullable(),
            })
            .loose(),
        ),
        differences: z.array(
          z.object({ name: z.string(), statistics: z.record(z.string(), IntervalSchema) }).loose(),
        ),
        pbo: z.number().nullable(),
        pboNote: z.string().nullable(),
      })
      .loose(),
  })
  .loose();

/** What the comparison report shows: result.json of a compare run. */
export type CompareReportInput = z.output<typeof CompareResultSchema>;

/** Reads a compare run directory (result.json). */
export function readCompareRun(dir: string): CompareReportInput {
  return readJson(runFile(dir, 'result.json', 'compare'), CompareResultSchema);
}

/** Metrics drawn side by side (those the variants all have). */
const CHART_METRICS = ['trades', 'winRate', 'expectancy', 'profitFactor', 'sharpe', 'maxDrawdown'];

/**
 * The comparison report: each variant minus the baseline with confidence-interval error bars, the
 * metrics side by side, PSR / DSR / PBO, the funnel counts, and the full table.
 */
export function compareReport(input: CompareReportInput): RunReport {
  const c = input.comparison;
  const diffs = c.differences.flatMap((d) =>
    Object.entries(d.statistics).map(([statistic, ci]) => ({
      variant: d.name,
      statistic,
      estimate: ci.estimate,
      low: ci.low,
      high: ci.high,
      confidence: ci.confidence,
    })),
  );
  const metricRows = c.rows.flatMap((r) =>
    CHART_METRICS.flatMap((metric) => {
      const value = r.metrics[metric];
      return typeof value === 'number' && Number.isFinite(value) ? [{ variant: r.name, metric, value }] : [];
    }),
  );
  const metricNames = [...new Set(c.rows.flatMap((r) => Object.keys(r.metrics)))];
  const funnelKeys = [
    ...new Set(
      c.rows.flatMap((r) =>
        Object.entries(r.funnel ?? {}).flatMap(([id, f]) => Object.keys(f).map((k) => `${id}:${k}`)),
      ),
    ),
  ].sort();
  return {
    kind: 'compare',
    title: `Variant comparison against ${c.baseline}`,
    meta: [
      `${c.rows.length} variants · ${c.days} common days · ${c.trials} trials · smc-lab ${input.packageVersion}`,
      `comparison ${input.compareHash.slice(0, 16)}`,
    ],
    sections: [
      {
        title: 'Overfitting',
        blocks: [
          table(undefined, [
            ['probability of backtest overfitting (CSCV across the variants)', fmtCell(c.pbo ?? c.pboNote)],
            ['trials (for the deflated Sharpe ratio)', String(c.trials)],
            ['common days', String(c.days)],
          ]),
          table(
            ['variant', 'PSR (vs 0)', 'DSR'],
            c.rows.map((r) => [r.name, fmtCell(r.psr), fmtCell(r.dsr)]),
          ),
        ],
      },
      {
        title: 'Differences to the baseline',
        blocks: [
          diffs.length > 0
            ? chart('differences', variantDifferencesSpec(diffs, c.baseline))
            : note('Only the baseline: no differences.'),
          table(
            ['variant', 'statistic', 'difference', 'low', 'high'],
            diffs.map((d) => [d.variant, d.statistic, fmtCell(d.estimate), fmtCell(d.low), fmtCell(d.high)]),
          ),
        ],
      },
      {
        title: 'Metrics',
        blocks: [
          ...(metricRows.length > 0 ? [chart('metrics', variantMetricsSpec(metricRows, c.baseline))] : []),
          table(
            ['metric', ...c.rows.map((r) => r.name)],
            metricNames.map((m) => [m, ...c.rows.map((r) => fmtCell(r.metrics[m]))]),
          ),
        ],
      },
      {
        title: 'Signal funnel',
        blocks: [
          funnelKeys.length > 0
            ? table(
                ['count', ...c.rows.map((r) => r.name)],
                funnelKeys.map((k) => {
                  const [id, ...rest] = k.split(':');
                  return [k, ...c.rows.map((r) => fmtCell(r.funnel?.[id]?.[rest.join(':')] ?? null))];
                }),
              )
            : note('No funnel counts recorded.'),
        ],
      },
    ],
    summary: { comparison: c, compareHash: input.compareHash },
  };
}
