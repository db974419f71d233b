import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/** One walk-forward window's objective in sample (train) and out of sample (test). */
export interface WindowScore {
  readonly window: number;
  readonly testFrom: number;
  readonly inSample: number | null;
  readonly outOfSample: number | null;
  readonly chosen: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** In-sample vs out-of-sample objective per window: paired bars, with the chosen config on hover. */
export function inVsOutOfSampleSpec(rows: readonly WindowScore[], metric: string): TopLevelSpec {
  const values = rows.flatMap((r) => {
    const label = `#${r.window} ${new Date(r.testFrom).toISOString().slice(0, 10)}`;
    return [
      { label, sample: 'in sample (train)', value: r.inSample, chosen: r.chosen },
      { label, sample: 'out of sample (test)', value: r.outOfSample, chosen: r.chosen },
    ].filter((v) => v.value !== null);
  });
  return {
    $schema: SCHEMA,
    title: {
      text: `${metric}: in sample vs out of sample per window`,
      subtitle: 'window # and test start (UTC)',
    },
    config: CHART_CONFIG,
    data: { values },
    width: { step: 48 },
    height: 220,
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'label', type: 'ordinal', title: 'window', sort: null, axis: { labelAngle: -30 } },
          xOffset: { field: 'sample', type: 'nominal' },
          y: { field: 'value', type: 'quantitative', title: metric },
          color: {
            field: 'sample',
            type: 'nominal',
            title: null,
            scale: { domain: ['in sample (train)', 'out of sample (test)'], range: ['#8c959f', '#1f6feb'] },
            legend: { orient: 'top', labelLimit: 240 },
          },
          tooltip: [
            { field: 'label', title: 'window' },
            { field: 'sample' },
            { field: 'value', title: metric, format: '.3f' },
            { field: 'chosen', title: 'chosen config' },
          ],
        },
      },
      { mark: { type: 'rule', color: '#57606a' }, encoding: { y: { datum: 0 } } },
    ],
  } as TopLevelSpec;
}

/** The stitched out-of-sample equity, with each test window's start as a dashed rule. */
export function oosEquitySpec(
  points: readonly { ts: number; equity: number }[],
  windowStarts: readonly number[],
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: 'Stitched out-of-sample equity', subtitle: 'dashed: start of each test window' },
    config: CHART_CONFIG,
    width: 860,
    height: 220,
    layer: [
      {
        data: { values: windowStarts.map((ts) => ({ ts })) },
        mark: { type: 'rule', color: '#d0d7de', strokeDash: [4, 3] },
        encoding: { x: { field: 'ts', type: 'temporal', scale: { type: 'utc' } } },
      },
      {
        data: { values: points },
        mark: { type: 'line', color: '#1f6feb', strokeWidth: 1.25 },
        encoding: {
          x: {
            field: 'ts',
            type: 'temporal',
            title: 'time (UTC)',
            scale: { type: 'utc' },
            axis: { format: '%d %b %Y', labelOverlap: true, tickCount: 8 },
          },
          y: {
            field: 'equity',
            type: 'quantitative',
            title: 'growth of 1 (chained test runs)',
            scale: { zero: false },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
