import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BacktestConfig } from '../engine/backtest/config.ts';
import { contentHash } from '../engine/backtest/hash.ts';
import { SCALAR_METRICS } from '../engine/metrics/compute.ts';
import { ResearchConfigSchema } from '../engine/research/config-schema.ts';
import {
  type ExpandedConfig,
  type ExpandedGrid,
  expandGrid,
  type ParamAxis,
} from '../engine/research/grid/expand.ts';
import { type GridFile, type Objective, parseObjective } from '../engine/research/grid/grid-file.ts';
import type { BacktestSpan, ConfigOutcome } from '../engine/research/outcome.ts';
import type { ProgressInfo } from '../engine/research/pool/progress.ts';
import {
  runSweep,
  type SweepRow,
  selectBest,
  sweepColumns,
  sweepCsv,
  sweepHash,
  sweepRows,
} from '../engine/research/sweep.ts';
import { type SelectionStatistics, selectionStatistics } from '../engine/research/sweep-stats.ts';
import { writeRunReportHtml } from '../reports/report/read.ts';
import { type ParquetColumn, writeParquet } from '../reports/run-dir/parquet.ts';
import type { CandleQuery } from './candles.ts';
import { type ConfigSource, type GridInput, gridOf, loadResearchConfig, PACKAGE_VERSION } from './config.ts';
import type { ProgressCallback, WarningCallback } from './progress.ts';
import {
  candlesHash,
  defaultWorkers,
  loadResearchCandles,
  openBacktestPool,
  openResultsLog,
  scopeSpan,
} from './research.ts';

/**
 * A parameter sweep: every config of a grid run on the same candles in parallel workers, into a run
 * directory (results.jsonl, grid.json, sweep.csv, sweep.parquet, result.json, report.html). Rerunning with
 * the same inputs and directory resumes: configs already in results.jsonl are not run again.
 */
export interface SweepOptions extends CandleQuery {
  /** Grid file path, or the grid as an object (objective, constraints, search, params). */
  readonly grid: string | GridInput;
  /** Base config the grid varies: a YAML file or config document over the defaults. */
  readonly config?: ConfigSource;
  /** Worker threads (0 runs in this thread); default the available cores. */
  readonly workers?: number;
  /** Run directory; default runs/sweep-<hash of the configs and data>. */
  readonly out?: string;
  /** Configs done (resumed ones included) of configs total, with rate and ETA. */
  readonly onProgress?: ProgressCallback<ProgressInfo>;
  /** Grid configs dropped by `invalid: skip`, unreadable results-log lines. */
  readonly onWarning?: WarningCallback;
  /** Stops starting configs; those in flight finish and are logged; the outcome is `complete: false`. */
  readonly signal?: AbortSignal;
}

/** What result.json of a sweep says, in brief, plus the table. */
export interface SweepDirSummary {
  readonly runDir: string;
  readonly configs: number;
  readonly sweepHash: string;
  readonly best: SweepRow | null;
  /** Why no config was chosen, when none was. */
  readonly reason: string | null;
  /** The sweep table, in grid order. */
  readonly rows: readonly SweepRow[];
  readonly statistics: SelectionStatistics;
}

/** A finished sweep. */
export interface SweepComplete extends SweepDirSummary {
  readonly complete: true;
  /** Configs whose outcome came from the results log. */
  readonly resumed: number;
  /** Configs run now. */
  readonly computed: number;
  readonly configsPerSecond: number;
  readonly grid: GridFile;
  readonly objective: Objective;
  readonly axes: readonly ParamAxis[];
}

/** A sweep stopped by its signal: rerun with the same inputs to resume. */
export interface SweepStopped {
  readonly complete: false;
  readonly runDir: string;
  readonly configs: number;
  readonly resumed: number;
  readonly computed: number;
}

/** What {@link sweep} returns: `complete` tells which. */
export type SweepOutcome = SweepComplete | SweepStopped;

/**
 * Expands the grid over the base config (refusing unknown paths and values before any work), loads the
 * candles into shared memory, runs every config not already in the run directory's results log, and
 * writes the sweep table, the best config and its statistics.
 */
export async function sweep(opts: SweepOptions): Promise<SweepOutcome> {
  const grid = gridOf(opts.grid);
  const expanded: ExpandedGrid<BacktestConfig> = expandGrid(
    grid,
    loadResearchConfig(opts.config),
    ResearchConfigSchema,
  );
  if (expanded.skipped.length) {
    opts.onWarning?.(
      `invalid: skip dropped ${expanded.skipped.length} grid config(s), e.g. ${expanded.skipped[0]}`,
      'grid-skipped',
    );
  }
  const { candles, warmup } = await loadResearchCandles(
    opts,
    expanded.configs.map((c) => c.config),
  );
  const span = scopeSpan(opts, warmup);
  const dataHash = contentHash({ candles: candlesHash(candles), span: span ?? null });
  const runDir =
    opts.out ??
    join(
      'runs',
      `sweep-${contentHash({ configs: expanded.configs.map((c) => c.configHash), dataHash }).slice(0, 12)}`,
    );
  const { known, writer } = openResultsLog(runDir, opts.onWarning);
  writeFileSync(
    join(runDir, 'grid.json'),
    `${JSON.stringify({ grid, axes: expanded.axes, skipped: expanded.skipped }, null, 2)}\n`,
  );

  const pool = openBacktestPool(candles, opts.workers ?? defaultWorkers());
  let last: ProgressInfo | null = null;
  let run: Awaited<ReturnType<typeof runSweep<BacktestConfig>>>;
  try {
    run = await runSweep({
      configs: expanded.configs,
      dataHash,
      pool,
      span,
      known,
      record: (key, o) => writer.append(key, o),
      onProgress: (p) => {
        last = p;
        opts.onProgress?.(p.done, p.total, p);
      },
      signal: opts.signal,
    });
  } finally {
    writer.close();
    await pool.close();
  }
  const rate = (last as ProgressInfo | null)?.configsPerSecond ?? 0;
  if (!run.complete) {
    return {
      complete: false,
      runDir,
      configs: expanded.configs.length,
      resumed: run.resumed,
      computed: run.computed,
    };
  }
  const summary = await writeSweepDir(
    runDir,
    expanded,
    run.outcomes as ConfigOutcome[],
    grid,
    dataHash,
    span,
  );
  return {
    ...summary,
    complete: true,
    resumed: run.resumed,
    computed: run.computed,
    configsPerSecond: rate,
    grid,
    objective: parseObjective(grid.objective),
    axes: expanded.axes,
  };
}

function paramColumn(axis: ParamAxis, rows: readonly SweepRow[]): ParquetColumn {
  const values = rows.map((r) => r.params[axis.path]);
  if (values.every((v) => typeof v === 'number'))
    return { name: axis.path, kind: 'double', values: values as number[] };
  if (values.every((v) => typeof v === 'boolean'))
    return { name: axis.path, kind: 'bool', values: values as boolean[] };
  return {
    name: axis.path,
    kind: 'text',
    values: values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
  };
}

/** sweep.parquet: the sweep.csv columns, typed (undefined metrics are NaN). */
export async function writeSweepParquet(
  path: string,
  rows: readonly SweepRow[],
  axes: readonly ParamAxis[],
  metrics: readonly string[],
  meta: Record<string, string>,
): Promise<void> {
  const columns: ParquetColumn[] = [
    { name: 'index', kind: 'int', values: rows.map((r) => r.index) },
    ...axes.map((a) => paramColumn(a, rows)),
    { name: 'configHash', kind: 'text', values: rows.map((r) => r.configHash) },
    { name: 'trades', kind: 'int', values: rows.map((r) => r.trades) },
    ...metrics.map(
      (m): ParquetColumn => ({
        name: m,
        kind: 'double',
        values: rows.map((r) => r.metrics[m] ?? Number.NaN),
      }),
    ),
    { name: 'resultHash', kind: 'text', values: rows.map((r) => r.resultHash) },
  ];
  const names = columns.map((c) => c.name);
  if (names.join('\u0000') !== sweepColumns(axes, metrics).join('\u0000'))
    throw new Error('sweep.parquet columns drifted from sweep.csv');
  await writeParquet(path, columns, meta);
}

/** Writes sweep.csv, sweep.parquet, result.json and report.html; returns what result.json says. */
export async function writeSweepDir(
  runDir: string,
  expanded: ExpandedGrid<BacktestConfig>,
  outcomes: readonly ConfigOutcome[],
  grid: GridFile,
  dataHash: string,
  span: BacktestSpan | undefined,
): Promise<SweepDirSummary> {
  const objective = parseObjective(grid.objective);
  const rows = sweepRows(expanded.configs, outcomes);
  const hash = sweepHash(rows);
  // `trades` has its own column next to the config hash.
  const metrics = SCALAR_METRICS.filter((m) => m !== 'trades');
  writeFileSync(join(runDir, 'sweep.csv'), sweepCsv(rows, expanded.axes, metrics));
  await writeSweepParquet(join(runDir, 'sweep.parquet'), rows, expanded.axes, metrics, {
    sweep_hash: hash,
    data_hash: dataHash,
  });
  const sel = selectBest(rows, objective, grid.constraints.min_trades);
  const chosenPos = sel.best
    ? expanded.configs.findIndex((c: ExpandedConfig<BacktestConfig>) => c.index === sel.best?.index)
    : -1;
  const stats = selectionStatistics(outcomes, chosenPos >= 0 ? chosenPos : null);
  const result = {
    kind: 'sweep',
    schema: 1,
    packageVersion: PACKAGE_VERSION,
    objective: grid.objective,
    constraints: grid.constraints,
    search: grid.search,
    gridSize: expanded.gridSize,
    configs: rows.length,
    skipped: expanded.skipped.length,
    dataHash,
    span: span ?? null,
    sweepHash: hash,
    best: sel.best,
    bestConfig: chosenPos >= 0 ? expanded.configs[chosenPos].config : null,
    eligible: sel.eligible,
    reason: sel.reason,
    statistics: stats,
  };
  writeFileSync(join(runDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeRunReportHtml(runDir);
  return {
    runDir,
    configs: rows.length,
    sweepHash: hash,
    best: sel.best,
    reason: sel.reason,
    rows,
    statistics: stats,
  };
}
