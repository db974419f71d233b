import type { TopLevelSpec } from 'vega-lite';
import { logTicks } from '../backtest/specs.ts';
import { CHART_CONFIG } from '../vega/render.ts';

/** One stage of a gate funnel: decisions still in play after it. */
export interface FunnelStage {
  readonly stage: string;
  readonly remaining: number;
  /** Rejected at this stage (0 for the first and the last). */
  readonly rejected: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The gate funnel: decisions left after each gate (log scale), each bar labelled with its count. */
export function gateFunnelSpec(stages: readonly FunnelStage[], title = 'Gate funnel'): TopLevelSpec {
  const values = stages.map((s, order) => ({ ...s, order }));
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'candidate decisions still in play after each gate' },
    config: CHART_CONFIG,
    data: { values },
    width: 560,
    height: { step: 24 },
    encoding: {
      y: {
        field: 'stage',
        type: 'nominal',
        title: null,
        sort: { field: 'order', op: 'min' },
        axis: { labelLimit: 320 },
      },
      x: {
        field: 'remaining',
        type: 'quantitative',
        title: 'decisions remaining (log scale)',
        scale: { type: 'symlog' },
        axis: {
          values: logTicks(Math.max(0, ...stages.map((s) => s.remaining))),
          labelExpr: "format(datum.value, ',')",
        },
      },
    },
    layer: [
      {
        mark: { type: 'bar', color: '#8250df' },
        encoding: {
          tooltip: [
            { field: 'stage' },
            { field: 'remaining', format: ',' },
            { field: 'rejected', title: 'rejected here', format: ',' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'remaining', type: 'quantitative', format: ',' } },
      },
    ],
  } as TopLevelSpec;
}

/** Where each symbol's candidate decisions ended: stacked shares by rejecting gate, signals last. */
export function gateBySymbolSpec(
  rows: readonly { symbol: string; outcome: string; order: number; count: number }[],
  outcomes: readonly string[],
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: {
      text: 'Where the decisions ended, by symbol',
      subtitle: 'share of candidate decisions per gate',
    },
    config: CHART_CONFIG,
    data: { values: rows },
    width: 560,
    height: { step: 18 },
    mark: 'bar',
    encoding: {
      y: { field: 'symbol', type: 'nominal', title: null },
      x: {
        field: 'count',
        type: 'quantitative',
        stack: 'normalize',
        title: 'share of decisions',
        axis: { format: '.0%' },
      },
      color: {
        field: 'outcome',
        type: 'nominal',
        title: 'ended at',
        scale: { domain: [...outcomes], scheme: 'tableau10' },
        legend: { orient: 'right' },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'symbol' },
        { field: 'outcome', title: 'ended at' },
        { field: 'count', format: ',' },
      ],
    },
  } as TopLevelSpec;
}
