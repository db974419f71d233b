import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/** One config of a sweep: its parameter values (as labels) and the objective metric (null: undefined). */
export interface SweepPoint {
  readonly index: number;
  readonly params: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly trades: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Sorts parameter labels numerically when they all are numbers. */
export function axisOrder(values: readonly string[]): string[] {
  const uniq = [...new Set(values)];
  return uniq.every((v) => v !== '' && Number.isFinite(Number(v)))
    ? uniq.sort((a, b) => Number(a) - Number(b))
    : uniq.sort();
}

/**
 * Short names for parameter paths: the common leading segments dropped (`backtest.strategies.0.fast`,
 * `backtest.strategies.0.slow` → `fast`, `slow`), so axis titles fit small charts.
 */
export function shortParamNames(paths: readonly string[]): Record<string, string> {
  const split = paths.map((p) => p.split('.'));
  let common = 0;
  if (paths.length > 1) {
    while (split.every((s) => s.length > common + 1 && s[common] === split[0][common])) common++;
  } else if (split[0] !== undefined) {
    common = Math.max(0, split[0].length - 2);
  }
  return Object.fromEntries(paths.map((p, i) => [p, split[i].slice(common).join('.')]));
}

/**
 * Heat map of the objective over two parameters (the mean over any other parameters), each cell
 * labelled with its value in a colour that reads on it; hover shows the cell's configs and trades.
 */
export function sweepHeatmapSpec(
  points: readonly SweepPoint[],
  xParam: string,
  yParam: string,
  metric: string,
  names: Readonly<Record<string, string>> = {},
): TopLevelSpec {
  const cells = new Map<string, { x: string; y: string; sum: number; n: number; trades: number }>();
  for (const p of points) {
    if (p.value === null) continue;
    const x = p.params[xParam];
    const y = p.params[yParam];
    const key = `${x}\u0000${y}`;
    const c = cells.get(key) ?? { x, y, sum: 0, n: 0, trades: 0 };
    c.sum += p.value;
    c.n++;
    c.trades += p.trades;
    cells.set(key, c);
  }
  const values = [...cells.values()].map((c) => ({
    x: c.x,
    y: c.y,
    mean: c.sum / c.n,
    configs: c.n,
    trades: c.trades / c.n,
  }));
  const means = values.map((v) => v.mean);
  const mid = means.length > 0 ? (Math.min(...means) + Math.max(...means)) / 2 : 0;
  const xName = names[xParam] ?? xParam;
  const yName = names[yParam] ?? yParam;
  return {
    $schema: SCHEMA,
    title: { text: `${metric} by ${xName} and ${yName}`, subtitle: 'mean over the other parameters' },
    config: CHART_CONFIG,
    data: { values },
    width: { step: 64 },
    height: { step: 34 },
    encoding: {
      x: {
        field: 'x',
        type: 'ordinal',
        sort: axisOrder(values.map((v) => v.x)),
        title: xName,
        axis: { labelAngle: 0 },
      },
      y: { field: 'y', type: 'ordinal', sort: axisOrder(values.map((v) => v.y)), title: yName },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          color: { field: 'mean', type: 'quantitative', title: metric, scale: { scheme: 'viridis' } },
          tooltip: [
            { field: 'x', title: xParam },
            { field: 'y', title: yParam },
            { field: 'mean', title: metric, format: '.3f' },
            { field: 'configs', title: 'configs' },
            { field: 'trades', title: 'mean trades', format: '.1f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'mean', type: 'quantitative', format: '.2f' },
          // viridis runs dark to light: white text on the darker half, black on the lighter
          color: { condition: { test: `datum.mean < ${mid}`, value: 'white' }, value: '#1f2328' },
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Parameter sensitivity: per parameter, the objective of every config against that parameter's value
 * (points) and the mean (line), one panel per parameter.
 */
export function sensitivitySpec(
  points: readonly SweepPoint[],
  params: readonly string[],
  metric: string,
  names: Readonly<Record<string, string>> = {},
): TopLevelSpec {
  const values = points.flatMap((p) =>
    p.value === null
      ? []
      : params.map((param) => ({
          param: names[param] ?? param,
          v: p.params[param],
          value: p.value,
          config: `#${p.index}`,
        })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: `Parameter sensitivity of ${metric}`,
      subtitle: 'every config (points) and the mean (line)',
    },
    config: CHART_CONFIG,
    data: { values },
    columns: 3,
    facet: {
      field: 'param',
      type: 'nominal',
      title: null,
      header: { labelFontSize: 12, labelFontWeight: 600 },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 240,
      height: 160,
      encoding: {
        x: {
          field: 'v',
          type: 'ordinal',
          title: 'value',
          sort: axisOrder(values.map((v) => v.v)),
          axis: { labelAngle: 0 },
        },
      },
      layer: [
        {
          mark: { type: 'point', filled: true, opacity: 0.45, color: '#8c959f' },
          encoding: {
            y: { field: 'value', type: 'quantitative', title: metric },
            tooltip: [
              { field: 'config' },
              { field: 'param', title: 'parameter' },
              { field: 'v', title: 'value' },
              { field: 'value', title: metric, format: '.3f' },
            ],
          },
        },
        {
          mark: { type: 'line', color: '#1f6feb', point: { color: '#1f6feb' } },
          encoding: { y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: metric } },
        },
      ],
    },
  } as TopLevelSpec;
}

/** The objective against one parameter's value when the grid has a single parameter (bars). */
export function sweepBarsSpec(
  points: readonly SweepPoint[],
  param: string,
  metric: string,
  names: Readonly<Record<string, string>> = {},
): TopLevelSpec {
  const name = names[param] ?? param;
  const values = points
    .filter((p) => p.value !== null)
    .map((p) => ({ v: p.params[param], value: p.value, trades: p.trades }));
  return {
    $schema: SCHEMA,
    title: `${metric} by ${name}`,
    config: CHART_CONFIG,
    data: { values },
    width: { step: 40 },
    height: 220,
    mark: { type: 'bar', color: '#1f6feb' },
    encoding: {
      x: {
        field: 'v',
        type: 'ordinal',
        title: name,
        sort: axisOrder(values.map((v) => v.v)),
        axis: { labelAngle: 0 },
      },
      y: { aggregate: 'mean', field: 'value', type: 'quantitative', title: metric },
      tooltip: [
        { field: 'v', title: param },
        { aggregate: 'mean', field: 'value', title: metric, format: '.3f' },
      ],
    },
  } as TopLevelSpec;
}
