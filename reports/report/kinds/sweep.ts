import { z } from 'zod';
import { parseObjective } from '../../../engine/research/grid/grid-file.ts';
import {
  type SweepPoint,
  sensitivitySpec,
  shortParamNames,
  sweepBarsSpec,
  sweepHeatmapSpec,
} from '../../specs/sweep.ts';
import { type Block, chart, note, type RunReport, table } from '../model.ts';
import { fmtCell, num, readCsvRecords, readJson, runFile } from './read-util.ts';

/** What the sweep report shows: result.json, the grid's axes and the sweep table (sweep.csv). */
export interface SweepReportInput {
  readonly objective: string;
  readonly minTrades: number;
  readonly sweepHash: string;
  readonly dataHash: string;
  readonly packageVersion: string;
  /** Parameter paths of the grid, in grid order. */
  readonly axes: readonly string[];
  /** One row per config: index, parameter values (as text), trades and metrics. */
  readonly rows: readonly {
    readonly index: number;
    readonly params: Readonly<Record<string, string>>;
    readonly trades: number;
    readonly metrics: Readonly<Record<string, number | null>>;
  }[];
  readonly best: { readonly index: number } | null;
  readonly reason: string | null;
  readonly statistics: {
    readonly trials: number;
    readonly chosen: { readonly psr: number; readonly dsr: number } | null;
    readonly pbo: { readonly pbo: number } | null;
    readonly pboNote: string | null;
  };
}

const SweepResultSchema = z
  .object({
    kind: z.literal('sweep'),
    packageVersion: z.string().default('unknown'),
    objective: z.string(),
    constraints: z.object({ min_trades: z.number() }).loose(),
    dataHash: z.string(),
    sweepHash: z.string(),
    best: z.object({ index: z.number() }).loose().nullable(),
    reason: z.string().nullable(),
    statistics: z
      .object({
        trials: z.number(),
        chosen: z.object({ psr: z.number(), dsr: z.number() }).loose().nullable(),
        pbo: z.object({ pbo: z.number() }).loose().nullable(),
        pboNote: z.string().nullable(),
      })
      .loose(),
  })
  .loose();
const GridJsonSchema = z.object({ axes: z.array(z.object({ path: z.string() }).loose()) }).loose();

const FIXED = new Set(['index', 'configHash', 'trades', 'resultHash']);

/** Reads a sweep run directory (result.json, grid.json, sweep.csv). */
export function readSweepRun(dir: string): SweepReportInput {
  const r = readJson(runFile(dir, 'result.json', 'sweep'), SweepResultSchema);
  const axes = readJson(runFile(dir, 'grid.json', 'sweep'), GridJsonSchema).axes.map((a) => a.path);
  const records = readCsvRecords(runFile(dir, 'sweep.csv', 'sweep'));
  const metricNames = Object.keys(records[0] ?? {}).filter((k) => !FIXED.has(k) && !axes.includes(k));
  return {
    objective: r.objective,
    minTrades: r.constraints.min_trades,
    sweepHash: r.sweepHash,
    dataHash: r.dataHash,
    packageVersion: r.packageVersion,
    axes,
    rows: records.map((rec) => ({
      index: Number(rec.index),
      params: Object.fromEntries(axes.map((a) => [a, rec[a] ?? ''])),
      trades: Number(rec.trades),
      metrics: Object.fromEntries(metricNames.map((m) => [m, num(rec[m])])),
    })),
    best: r.best,
    reason: r.reason,
    statistics: r.statistics,
  };
}

/**
 * The sweep report: the objective over the grid as heat maps (pairs of parameters), parameter
 * sensitivity, the selection statistics (PSR, DSR, PBO) and the best configs.
 */
export function sweepReport(input: SweepReportInput): RunReport {
  const { metric, minimise } = parseObjective(input.objective);
  const points: SweepPoint[] = input.rows.map((r) => ({
    index: r.index,
    params: r.params,
    value: r.metrics[metric] ?? null,
    trades: r.trades,
  }));
  const varied = input.axes.filter((a) => new Set(input.rows.map((r) => r.params[a])).size > 1);
  const names = shortParamNames(varied);
  const charts: Block[] = [];
  if (varied.length >= 2) {
    for (let i = 0; i + 1 < varied.length && charts.length < 3; i++) {
      charts.push(
        chart(`heatmap-${i + 1}`, sweepHeatmapSpec(points, varied[i], varied[i + 1], metric, names)),
      );
    }
  } else if (varied.length === 1) {
    charts.push(chart('objective', sweepBarsSpec(points, varied[0], metric, names)));
  }
  if (varied.length > 0) charts.push(chart('sensitivity', sensitivitySpec(points, varied, metric, names)));
  if (charts.length === 0) charts.push(note('The grid varies no parameter: nothing to chart.'));
  const shown = ['sharpe', 'totalReturn', 'maxDrawdown', 'winRate', 'profitFactor'];
  const ranked = [...input.rows]
    .filter(
      (r) => r.metrics[metric] !== null && r.metrics[metric] !== undefined && r.trades >= input.minTrades,
    )
    .sort((a, b) => {
      const x = a.metrics[metric] as number;
      const y = b.metrics[metric] as number;
      return (minimise ? x - y : y - x) || a.index - b.index;
    })
    .slice(0, 25);
  const s = input.statistics;
  const summaryRows: [string, unknown][] = [
    ['configs', input.rows.length],
    ['best config', input.best ? `#${input.best.index}` : input.reason],
    ['probability of backtest overfitting (CSCV)', s.pbo?.pbo ?? s.pboNote],
    ['deflated Sharpe ratio of the best', s.chosen?.dsr ?? null],
    ['probabilistic Sharpe ratio of the best', s.chosen?.psr ?? null],
    ['trials', s.trials],
  ];
  return {
    kind: 'sweep',
    title: `Sweep: ${input.objective}, ${input.rows.length} configs`,
    meta: [
      `objective ${input.objective} · min trades ${input.minTrades} · smc-lab ${input.packageVersion}`,
      `sweep ${input.sweepHash.slice(0, 16)} · data ${input.dataHash.slice(0, 16)}`,
    ],
    sections: [
      {
        title: 'Selection',
        blocks: [
          table(
            undefined,
            summaryRows.map(([k, v]) => [k, fmtCell(v)]),
          ),
        ],
      },
      { title: 'Objective over the grid', blocks: charts },
      {
        title: 'Best configs',
        blocks: [
          table(
            ['#', ...input.axes, 'trades', ...shown],
            ranked.map((r) => [
              `#${r.index}`,
              ...input.axes.map((a) => r.params[a]),
              String(r.trades),
              ...shown.map((m) => fmtCell(r.metrics[m])),
            ]),
            `Top ${ranked.length} by ${input.objective} with at least ${input.minTrades} trades; every config is in sweep.csv.`,
          ),
        ],
      },
    ],
    summary: {
      objective: input.objective,
      configs: input.rows.length,
      axes: input.axes,
      best: input.best,
      reason: input.reason,
      statistics: input.statistics,
      sweepHash: input.sweepHash,
      dataHash: input.dataHash,
      top: ranked.map((r) => ({
        index: r.index,
        params: r.params,
        trades: r.trades,
        [metric]: r.metrics[metric],
      })),
    },
  };
}
