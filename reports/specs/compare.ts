import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/** One variant's difference to the baseline on one statistic, with its confidence interval. */
export interface DifferenceCI {
  readonly variant: string;
  readonly statistic: string;
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly confidence: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Variant − baseline per statistic: the point estimate with its bootstrap confidence interval as an
 * error bar and a zero line (an interval crossing zero: no evidence of a difference). One panel per
 * statistic, each with its own scale.
 */
export function variantDifferencesSpec(rows: readonly DifferenceCI[], baseline: string): TopLevelSpec {
  const conf = rows[0]?.confidence ?? 0.95;
  const values = rows.map((r) => ({
    ...r,
    verdict: r.low > 0 ? 'above baseline' : r.high < 0 ? 'below baseline' : 'interval spans 0',
  }));
  return {
    $schema: SCHEMA,
    title: {
      text: `Difference to ${baseline} with ${Math.round(conf * 100)}% confidence intervals`,
      subtitle: 'paired block bootstrap of daily returns; point = estimate, bar = interval',
    },
    config: CHART_CONFIG,
    data: { values },
    columns: 2,
    facet: {
      field: 'statistic',
      type: 'nominal',
      title: null,
      header: { labelFontSize: 12, labelFontWeight: 600 },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 330,
      height: { step: 24 },
      encoding: { y: { field: 'variant', type: 'nominal', title: null, axis: { labelLimit: 200 } } },
      layer: [
        { mark: { type: 'rule', color: '#8c959f', strokeDash: [3, 3] }, encoding: { x: { datum: 0 } } },
        {
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            x: { field: 'low', type: 'quantitative', title: 'variant − baseline' },
            x2: { field: 'high' },
            color: {
              field: 'verdict',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['above baseline', 'interval spans 0', 'below baseline'],
                range: ['#1a7f37', '#8c959f', '#d1242f'],
              },
              legend: { orient: 'bottom' },
            },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'estimate', type: 'quantitative' },
            color: { field: 'verdict', type: 'nominal' },
            tooltip: [
              { field: 'variant' },
              { field: 'statistic' },
              { field: 'estimate', format: '.4g' },
              { field: 'low', title: 'CI low', format: '.4g' },
              { field: 'high', title: 'CI high', format: '.4g' },
            ],
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Side-by-side metrics of the variants: one bar panel per metric, the baseline in grey. */
export function variantMetricsSpec(
  rows: readonly { variant: string; metric: string; value: number }[],
  baseline: string,
): TopLevelSpec {
  const values = rows.map((r) => ({ ...r, role: r.variant === baseline ? 'baseline' : 'variant' }));
  return {
    $schema: SCHEMA,
    title: 'Metrics by variant',
    config: CHART_CONFIG,
    data: { values },
    columns: 3,
    facet: {
      field: 'metric',
      type: 'nominal',
      title: null,
      header: { labelFontSize: 12, labelFontWeight: 600 },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 200,
      height: { step: 20 },
      mark: 'bar',
      encoding: {
        y: { field: 'variant', type: 'nominal', title: null, axis: { labelLimit: 160 } },
        x: { field: 'value', type: 'quantitative', title: null, axis: { tickCount: 4 } },
        color: {
          field: 'role',
          type: 'nominal',
          title: null,
          scale: { domain: ['baseline', 'variant'], range: ['#8c959f', '#1f6feb'] },
          legend: { orient: 'bottom' },
        },
        tooltip: [{ field: 'variant' }, { field: 'metric' }, { field: 'value', format: '.4g' }],
      },
    },
  } as TopLevelSpec;
}
