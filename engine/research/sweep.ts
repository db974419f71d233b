import { contentHash } from '../backtest/hash.ts';
import type { ExpandedConfig, ParamAxis } from './grid/expand.ts';
import type { Objective, ParamValue } from './grid/grid-file.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from './outcome.ts';
import type { ResearchPool } from './pool/pool.ts';
import type { ProgressInfo } from './pool/progress.ts';
import { resultKey } from './pool/results-log.ts';

/**
 * A sweep: every config of an expanded grid run once on the same data, in the research pool. Results of
 * configs whose (config hash, data hash) key is already known are reused (resume), the others are run and
 * handed to `record` as they finish (the CLI appends them to the results log). Output rows are in grid
 * order, so the table is the same for any number of workers and any completion order.
 */
export interface SweepRunOptions<C> {
  configs: readonly ExpandedConfig<C>[];
  /** Identity of the data the configs run on (and of the span, for walk-forward windows). */
  dataHash: string;
  pool: ResearchPool<unknown, ConfigTask<C>, ConfigOutcome>;
  span?: BacktestSpan;
  /** Ask the job for equity curves and trades (see ConfigTask.detail). */
  detail?: boolean;
  /** Outcomes already known, by resultKey(configHash, dataHash). */
  known?: ReadonlyMap<string, ConfigOutcome>;
  record?: (key: string, outcome: ConfigOutcome) => void;
  onProgress?: (p: ProgressInfo) => void;
  signal?: AbortSignal;
}

export interface SweepRun {
  /** Outcome per config, in `configs` order; undefined for configs an abort left unrun. */
  outcomes: Array<ConfigOutcome | undefined>;
  resumed: number;
  computed: number;
  complete: boolean;
}

export async function runSweep<C>(opts: SweepRunOptions<C>): Promise<SweepRun> {
  const known = opts.known ?? new Map<string, ConfigOutcome>();
  const outcomes: Array<ConfigOutcome | undefined> = Array.from(
    { length: opts.configs.length },
    () => undefined,
  );
  const pendingByKey = new Map<string, number[]>();
  const tasks: ConfigTask<C>[] = [];
  let resumed = 0;
  opts.configs.forEach((c, pos) => {
    const key = resultKey(c.configHash, opts.dataHash);
    const hit = known.get(key);
    if (hit !== undefined) {
      outcomes[pos] = hit;
      resumed++;
      return;
    }
    const same = pendingByKey.get(key);
    if (same) {
      same.push(pos);
      return;
    }
    pendingByKey.set(key, [pos]);
    tasks.push({
      index: c.index,
      configHash: c.configHash,
      config: c.config,
      span: opts.span,
      detail: opts.detail,
    });
  });
  const taskKeys = tasks.map((t) => resultKey(t.configHash, opts.dataHash));
  const run = await opts.pool.run(tasks, {
    resumed,
    signal: opts.signal,
    onProgress: opts.onProgress,
    onResult: (i, outcome) => {
      opts.record?.(taskKeys[i], outcome);
      for (const pos of pendingByKey.get(taskKeys[i]) ?? []) outcomes[pos] = outcome;
    },
  });
  return {
    outcomes,
    resumed,
    computed: run.completed,
    complete: !outcomes.includes(undefined),
  };
}

/** One row of the sweep table. */
export interface SweepRow {
  /** Position in the full grid. */
  index: number;
  params: Readonly<Record<string, ParamValue>>;
  configHash: string;
  trades: number;
  metrics: Record<string, number | null>;
  resultHash: string;
}

export function sweepRows<C>(
  configs: readonly ExpandedConfig<C>[],
  outcomes: ReadonlyArray<ConfigOutcome | undefined>,
): SweepRow[] {
  const rows: SweepRow[] = [];
  configs.forEach((c, pos) => {
    const o = outcomes[pos];
    if (o === undefined) return;
    rows.push({
      index: c.index,
      params: c.params,
      configHash: c.configHash,
      trades: o.trades,
      metrics: o.metrics,
      resultHash: o.resultHash,
    });
  });
  return rows.sort((a, b) => a.index - b.index);
}

/** Hash over the table (rows in grid order): equal tables, equal hashes. */
export function sweepHash(rows: readonly SweepRow[]): string {
  return contentHash(rows);
}

export interface Selection {
  best: SweepRow | null;
  /** Rows meeting the constraints with a defined objective. */
  eligible: number;
  /** Why no row was chosen, when none was. */
  reason: string | null;
}

/**
 * The best row under the objective among rows with at least `minTrades` trades and a defined objective
 * metric; ties go to the lowest grid index, so the choice is deterministic.
 */
export function selectBest(rows: readonly SweepRow[], objective: Objective, minTrades: number): Selection {
  let best: SweepRow | null = null;
  let bestValue = 0;
  let eligible = 0;
  for (const r of rows) {
    const v = r.metrics[objective.metric];
    if (r.trades < minTrades || v === null || v === undefined || Number.isNaN(v)) continue;
    eligible++;
    const better = best === null || (objective.minimise ? v < bestValue : v > bestValue);
    if (better) {
      best = r;
      bestValue = v;
    }
  }
  const reason =
    best !== null
      ? null
      : rows.length === 0
        ? 'no config finished'
        : `no config has at least ${minTrades} trades and a defined ${objective.metric}`;
  return { best, eligible, reason };
}

/** Ordered column names of the sweep table. */
export function sweepColumns(axes: readonly ParamAxis[], metricNames: readonly string[]): string[] {
  return ['index', ...axes.map((a) => a.path), 'configHash', 'trades', ...metricNames, 'resultHash'];
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s =
    typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The sweep table as CSV text (one row per config, grid order, empty cells for undefined metrics). */
export function sweepCsv(
  rows: readonly SweepRow[],
  axes: readonly ParamAxis[],
  metricNames: readonly string[],
): string {
  const header = sweepColumns(axes, metricNames);
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    const cells: unknown[] = [r.index, ...axes.map((a) => r.params[a.path]), r.configHash, r.trades];
    for (const m of metricNames) cells.push(r.metrics[m]);
    cells.push(r.resultHash);
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
