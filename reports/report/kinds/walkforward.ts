import { z } from 'zod';
import { parseObjective } from '../../../engine/research/grid/grid-file.ts';
import { minMaxDownsample } from '../../backtest/downsample.ts';
import { fmtPct, fmtTime } from '../../html/format.ts';
import { inVsOutOfSampleSpec, oosEquitySpec } from '../../specs/walkforward.ts';
import { chart, note, type RunReport, table } from '../model.ts';
import { fmtCell, readCsvRecords, readJson, runFile } from './read-util.ts';

const WindowSchema = z
  .object({
    window: z.object({
      index: z.number(),
      trainFrom: z.number(),
      trainTo: z.number(),
      testFrom: z.number(),
      testTo: z.number(),
    }),
    chosen: z
      .object({ index: z.number(), params: z.record(z.string(), z.unknown()) })
      .loose()
      .nullable(),
    reason: z.string().nullable(),
    inSample: z.number().nullable(),
    outOfSample: z.number().nullable(),
  })
  .loose();

const WalkForwardResultSchema = z
  .object({
    kind: z.literal('walkforward'),
    packageVersion: z.string().default('unknown'),
    objective: z.string(),
    train: z.union([z.string(), z.number()]),
    test: z.union([z.string(), z.number()]),
    anchored: z.boolean(),
    configsPerWindow: z.number(),
    dataHash: z.string(),
    windows: z.array(WindowSchema),
    efficiency: z.number().nullable(),
    stability: z.array(
      z.object({ path: z.string(), distinct: z.number(), mode: z.unknown(), modeShare: z.number() }).loose(),
    ),
    outOfSample: z
      .object({
        days: z.number(),
        sharpe: z.number().nullable(),
        totalReturn: z.number(),
        maxDrawdown: z.number(),
        trades: z.number(),
        psr: z.number().nullable(),
      })
      .loose(),
    oosHash: z.string(),
  })
  .loose();

/** What the walk-forward report shows: result.json and the stitched out-of-sample curve. */
export type WalkForwardReportInput = z.output<typeof WalkForwardResultSchema> & {
  readonly oosEquity: { readonly ts: readonly number[]; readonly equity: readonly number[] };
};

/** Reads a walk-forward run directory (result.json, oos-equity.csv). */
export function readWalkForwardRun(dir: string): WalkForwardReportInput {
  const r = readJson(runFile(dir, 'result.json', 'walk-forward'), WalkForwardResultSchema);
  const eq = readCsvRecords(runFile(dir, 'oos-equity.csv', 'walk-forward'));
  return {
    ...r,
    oosEquity: { ts: eq.map((e) => Date.parse(e.ts ?? '')), equity: eq.map((e) => Number(e.equity)) },
  };
}

const paramsText = (p: Record<string, unknown> | undefined) =>
  p === undefined
    ? '—'
    : Object.entries(p)
        .map(([k, v]) => `${k.split('.').at(-1)}=${JSON.stringify(v)}`)
        .join(', ');

/**
 * The walk-forward report: the objective in sample vs out of sample per window, the stitched
 * out-of-sample equity, the out-of-sample summary, parameter stability and the per-window choices.
 */
export function walkForwardReport(input: WalkForwardReportInput): RunReport {
  const { metric } = parseObjective(input.objective);
  const oos = input.outOfSample;
  const eq = minMaxDownsample(input.oosEquity.ts, input.oosEquity.equity);
  const scores = input.windows.map((w) => ({
    window: w.window.index,
    testFrom: w.window.testFrom,
    inSample: w.inSample,
    outOfSample: w.outOfSample,
    chosen: w.chosen ? `#${w.chosen.index} ${paramsText(w.chosen.params)}` : (w.reason ?? 'none'),
  }));
  const hasScores = scores.some((s) => s.inSample !== null || s.outOfSample !== null);
  const summary: [string, string][] = [
    ['windows', String(input.windows.length)],
    ['configs per window', String(input.configsPerWindow)],
    ['walk-forward efficiency', fmtCell(input.efficiency)],
    ['OOS Sharpe', fmtCell(oos.sharpe)],
    ['OOS total return', fmtPct(oos.totalReturn)],
    ['OOS max drawdown', fmtPct(oos.maxDrawdown)],
    ['OOS probabilistic Sharpe ratio', fmtCell(oos.psr)],
    ['OOS trades', String(oos.trades)],
    ['OOS days', String(oos.days)],
  ];
  return {
    kind: 'walkforward',
    title: `Walk-forward: ${input.objective}, ${input.windows.length} windows`,
    meta: [
      `train ${input.train} · test ${input.test} · ${input.anchored ? 'anchored' : 'rolling'} · smc-lab ${input.packageVersion}`,
      `data ${input.dataHash.slice(0, 16)} · out-of-sample ${input.oosHash.slice(0, 16)}`,
    ],
    sections: [
      { title: 'Out of sample', blocks: [table(undefined, summary)] },
      {
        title: 'In sample vs out of sample',
        blocks: [
          hasScores
            ? chart('in-vs-out-of-sample', inVsOutOfSampleSpec(scores, metric))
            : note('No window chose a config: nothing to compare.'),
          eq.ts.length > 1
            ? chart(
                'oos-equity',
                oosEquitySpec(
                  eq.ts.map((ts, i) => ({ ts, equity: eq.ys[i] })),
                  input.windows.map((w) => w.window.testFrom),
                ),
              )
            : note('The stitched out-of-sample curve is empty.'),
        ],
      },
      {
        title: 'Parameter stability',
        blocks: [
          table(
            ['parameter', 'distinct choices', 'most chosen', 'share'],
            input.stability.map((s) => [
              s.path,
              String(s.distinct),
              JSON.stringify(s.mode),
              fmtPct(s.modeShare, 0),
            ]),
          ),
        ],
      },
      {
        title: 'Windows',
        blocks: [
          table(
            ['window', 'train (UTC)', 'test (UTC)', 'chosen', `IS ${metric}`, `OOS ${metric}`],
            input.windows.map((w) => [
              String(w.window.index),
              `${fmtTime(w.window.trainFrom)} → ${fmtTime(w.window.trainTo)}`,
              `${fmtTime(w.window.testFrom)} → ${fmtTime(w.window.testTo)}`,
              w.chosen ? `#${w.chosen.index} ${paramsText(w.chosen.params)}` : (w.reason ?? '—'),
              fmtCell(w.inSample),
              fmtCell(w.outOfSample),
            ]),
          ),
        ],
      },
    ],
    summary: {
      objective: input.objective,
      train: input.train,
      test: input.test,
      anchored: input.anchored,
      efficiency: input.efficiency,
      outOfSample: oos,
      stability: input.stability,
      windows: scores,
      oosHash: input.oosHash,
      dataHash: input.dataHash,
    },
  };
}
