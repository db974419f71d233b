import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadDefaultsRaw, readYamlFile, resolveConfig } from '../../config/load.ts';
import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import { CandleStore, type SeriesSummary } from '../../data/store/candle-store.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import type { Timeframe } from '../../data/timeframes.ts';
import type { BacktestConfig } from '../../engine/backtest/config.ts';
import { feedHash } from '../../engine/backtest/feed.ts';
import { contentHash } from '../../engine/backtest/hash.ts';
import { SCALAR_METRICS } from '../../engine/metrics/compute.ts';
import { ResearchConfigSchema, warmupMs } from '../../engine/research/config-schema.ts';
import {
  type ExpandedConfig,
  type ExpandedGrid,
  expandGrid,
  type ParamAxis,
} from '../../engine/research/grid/expand.ts';
import { type GridFile, parseGridFile, parseObjective } from '../../engine/research/grid/grid-file.ts';
import type { BacktestJobContext } from '../../engine/research/jobs/backtest-job.ts';
import type { BacktestSpan, ConfigOutcome, ConfigTask } from '../../engine/research/outcome.ts';
import { ResearchPool } from '../../engine/research/pool/pool.ts';
import type { ProgressInfo } from '../../engine/research/pool/progress.ts';
import { ResultLogWriter, readResultLog } from '../../engine/research/pool/results-log.ts';
import {
  runSweep,
  type SweepRow,
  selectBest,
  sweepColumns,
  sweepCsv,
  sweepHash,
  sweepRows,
} from '../../engine/research/sweep.ts';
import { selectionStatistics } from '../../engine/research/sweep-stats.ts';
import { type ParquetColumn, writeParquet } from '../../reports/run-dir/parquet.ts';
import { type CandleScope, parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { createProgress } from '../progress.ts';
import { action } from '../run-action.ts';

/*
 * `smc sweep`, and the pieces `smc walkforward` and `smc compare` share with it: loading the research
 * config and candles, the worker pool, the resumable results log, interrupt handling and the run
 * directory files.
 */

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const BACKTEST_JOB = new URL('../../engine/research/jobs/backtest-job.ts', import.meta.url).href;

/**
 * The base config of a research run: `--config FILE` over the shipped defaults, validated by the config
 * loader (field-by-field messages, invariants), plus the file's `backtest:` section (strategies to run,
 * trace, safety) which the backtest config adds. Without a file: the defaults.
 */
export function loadResearchConfig(file: string | undefined): Record<string, unknown> {
  const raw = file ? readYamlFile(file) : {};
  const { backtest, ...rest } = raw;
  const resolved = resolveConfig(rest, { source: file ?? 'the defaults', defaults: loadDefaultsRaw() });
  return { ...resolved, ...(backtest === undefined ? {} : { backtest }) };
}

/** `--workers N`: a whole number ≥ 1; default the machine's available parallelism. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return Math.max(1, availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError(`--workers '${value}' is not a whole number of worker threads between 1 and 256`);
  }
  return n;
}

const BASES: readonly Timeframe[] = ['15m', '1h'];

/** One stored series per symbol on the base timeframe (the requested one, or the shortest stored). */
export function pickBaseSeries(
  stored: readonly SeriesSummary[],
  symbols: readonly string[] | undefined,
  timeframe: Timeframe | undefined,
  source: string | undefined,
): SeriesSummary[] {
  const bases = timeframe === undefined ? BASES : [timeframe];
  const candidates = stored.filter(
    (s) => bases.includes(s.timeframe) && (source === undefined || s.source === source),
  );
  const wanted =
    symbols?.map((s) => canonicalSymbol(s)) ?? [...new Set(candidates.map((s) => s.symbol))].sort();
  if (wanted.length === 0) {
    throw new UserError(
      `the store holds no ${bases.join(' or ')} candles${source ? ` from source ${source}` : ''}: import some first (smc data import, or smc demo)`,
    );
  }
  const tf =
    timeframe ??
    bases.find((b) => wanted.every((sym) => candidates.some((s) => s.symbol === sym && s.timeframe === b)));
  if (tf === undefined) {
    throw new UserError(
      `the symbols ${wanted.join(', ')} share no base timeframe in the store: pass --timeframe and check smc data list`,
    );
  }
  return wanted.map((symbol) => {
    const mine = candidates.filter((s) => s.symbol === symbol && s.timeframe === tf);
    if (mine.length === 0) {
      throw new UserError(
        `no ${tf} candles of ${symbol} in the store: check --symbols, --timeframe and --source against smc data list`,
      );
    }
    if (mine.length > 1) {
      throw new UserError(
        `${symbol} ${tf} is stored from several sources (${mine.map((s) => s.source).join(', ')}): choose one with --source`,
      );
    }
    return mine[0];
  });
}

/** Candles of the scope in shared memory (the pool hands them to workers without copying). */
export async function loadSharedCandles(
  scope: CandleScope,
  source: string | undefined,
  warmup: number,
): Promise<CandleSeries[]> {
  const store = await CandleStore.open(scope.db, { readOnly: true });
  try {
    const picked = pickBaseSeries(await store.list(), scope.symbols, scope.timeframe, source);
    const from = scope.from === undefined ? undefined : scope.from - warmup;
    const series = await store.readMany(picked, { from, to: scope.to }, { shared: true });
    const empty = series.filter((s) => s.length === 0).map((s) => s.symbol);
    if (empty.length)
      throw new UserError(`no candles of ${empty.join(', ')} between --from and --to: widen the range`);
    return series;
  } finally {
    await store.close();
  }
}

/** Identity of the loaded candles (feedHash of the base series, in symbol order). */
export function candlesHash(candles: readonly CandleSeries[]): string {
  const byTf: Record<string, Partial<Record<Timeframe, CandleSeries>>> = {};
  for (const s of candles) byTf[s.symbol] = { [s.timeframe]: s };
  return feedHash(byTf, candles[0].timeframe, undefined);
}

/** The traded span of `--from/--to` with warm-up before it; undefined when the whole data is traded. */
export function scopeSpan(scope: CandleScope, warmup: number): BacktestSpan | undefined {
  if (scope.from === undefined && scope.to === undefined) return undefined;
  const tradeFrom = scope.from ?? Number.MIN_SAFE_INTEGER;
  return {
    from: scope.from === undefined ? Number.MIN_SAFE_INTEGER : scope.from - warmup,
    to: scope.to ?? Number.MAX_SAFE_INTEGER,
    tradeFrom,
  };
}

export function maxWarmup(configs: readonly BacktestConfig[], base: Timeframe): number {
  let w = 0;
  for (const c of configs) w = Math.max(w, warmupMs(c, base));
  return w;
}

export type BacktestPool = ResearchPool<BacktestJobContext, ConfigTask<BacktestConfig>, ConfigOutcome>;

export function openBacktestPool(candles: readonly CandleSeries[], workers: number): BacktestPool {
  return new ResearchPool<BacktestJobContext, ConfigTask<BacktestConfig>, ConfigOutcome>({
    jobModule: BACKTEST_JOB,
    candles,
    context: { baseTimeframe: candles[0].timeframe, packageVersion: PACKAGE_VERSION },
    workers,
  });
}

/**
 * First SIGINT: stop starting configs, let those in flight finish and be logged. Second: exit at once
 * (the results log is fsync'd per config, so nothing finished is lost either way).
 */
export function interruptOnSigint(json: boolean): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const onSigint = () => {
    if (ctl.signal.aborted) process.exit(130);
    if (!json)
      process.stderr.write(
        '\nsmc: stopping after the configs in flight (Ctrl-C again to quit now); rerun the same command to resume\n',
      );
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ctl.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** The resumable results log of a run directory: known outcomes, and a writer that appends new ones. */
export function openResultsLog(
  dir: string,
  json: boolean,
): { known: Map<string, ConfigOutcome>; writer: ResultLogWriter } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.jsonl');
  const contents = readResultLog<ConfigOutcome>(path);
  if (contents.discarded.length && !json) {
    process.stderr.write(
      `smc: ${path}: ${contents.discarded.length} unreadable line(s) ignored (${contents.discarded[0]})\n`,
    );
  }
  const writer = new ResultLogWriter(path);
  return { known: contents.records, writer };
}

/** A progress bar fed by the pool's progress callback. */
export function progressReporter(
  json: boolean,
  label: string,
): { onProgress: (p: ProgressInfo) => void; stop: () => void; last: () => ProgressInfo | null } {
  const bar = createProgress({ json });
  let started = false;
  let last: ProgressInfo | null = null;
  return {
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, label);
        started = true;
      }
      bar.update(p.done);
      last = p;
    },
    stop: () => bar.stop(),
    last: () => last,
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

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A minimal self-contained report: the summary and the top configs (richer reports: issue 8). */
export function minimalReport(
  title: string,
  summary: Record<string, unknown>,
  header: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): string {
  const sum = Object.entries(summary)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(fmt(v))}</td></tr>`)
    .join('');
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(fmt(c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;font-size:13px}th{background:#f4f4f4}</style></head><body><h1>${escapeHtml(title)}</h1><table>${sum}</table><table><tr>${head}</tr>\n${body}</table></body></html>\n`;
}

interface SweepFlags extends RawScopeOptions {
  config?: string;
  grid?: string;
  workers?: string;
  out?: string;
  source?: string;
}

/** Reads and checks a grid file and its objective before any work starts. */
export function loadGrid(path: string | undefined): GridFile {
  if (path === undefined)
    throw new UserError('--grid FILE is required: a YAML grid (see config/grids/ote-4h.yaml)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--grid '${path}' cannot be read (${(err as Error).message}): give an existing YAML file`,
    );
  }
  const grid = parseGridFile(text, path);
  const { metric } = parseObjective(grid.objective);
  if (!(SCALAR_METRICS as readonly string[]).includes(metric)) {
    throw new UserError(
      `${path}: objective '${metric}' is not a metric: use one of ${SCALAR_METRICS.join(', ')} (prefix '-' to minimise)`,
    );
  }
  return grid;
}

export interface SweepSummary {
  runDir: string;
  configs: number;
  resumed: number;
  computed: number;
  complete: boolean;
  sweepHash: string | null;
  best: SweepRow | null;
  reason: string | null;
  configsPerSecond: number;
}

async function sweepAction(flags: SweepFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const workers = parseWorkers(flags.workers);
  const grid = loadGrid(flags.grid);
  const objective = parseObjective(grid.objective);
  const expanded: ExpandedGrid<BacktestConfig> = expandGrid(
    grid,
    loadResearchConfig(flags.config),
    ResearchConfigSchema,
  );
  if (expanded.skipped.length && !scope.json) {
    process.stderr.write(
      `smc: invalid: skip dropped ${expanded.skipped.length} grid config(s), e.g. ${expanded.skipped[0]}\n`,
    );
  }
  const probeStore = await CandleStore.open(scope.db, { readOnly: true });
  let base: Timeframe;
  try {
    base = pickBaseSeries(await probeStore.list(), scope.symbols, scope.timeframe, flags.source)[0].timeframe;
  } finally {
    await probeStore.close();
  }
  const warmup = maxWarmup(
    expanded.configs.map((c) => c.config),
    base,
  );
  const candles = await loadSharedCandles(scope, flags.source, warmup);
  const span = scopeSpan(scope, warmup);
  const dataHash = contentHash({ candles: candlesHash(candles), span: span ?? null });
  const runDir =
    flags.out ??
    join(
      'runs',
      `sweep-${contentHash({ configs: expanded.configs.map((c) => c.configHash), dataHash }).slice(0, 12)}`,
    );
  const { known, writer } = openResultsLog(runDir, scope.json);
  writeFileSync(
    join(runDir, 'grid.json'),
    `${JSON.stringify({ grid, axes: expanded.axes, skipped: expanded.skipped }, null, 2)}\n`,
  );

  const pool = openBacktestPool(candles, workers);
  const interrupt = interruptOnSigint(scope.json);
  const progress = progressReporter(scope.json, 'sweep');
  let run: Awaited<ReturnType<typeof runSweep<BacktestConfig>>>;
  try {
    run = await runSweep({
      configs: expanded.configs,
      dataHash,
      pool,
      span,
      known,
      record: (key, o) => writer.append(key, o),
      onProgress: progress.onProgress,
      signal: interrupt.signal,
    });
  } finally {
    progress.stop();
    interrupt.dispose();
    writer.close();
    await pool.close();
  }
  const rate = progress.last()?.configsPerSecond ?? 0;
  if (!run.complete) {
    const done = run.resumed + run.computed;
    const summary = {
      runDir,
      configs: expanded.configs.length,
      resumed: run.resumed,
      computed: run.computed,
      complete: false,
      sweepHash: null,
    };
    if (scope.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stderr.write(
        `smc: sweep stopped at ${done}/${expanded.configs.length} configs; rerun the same command to resume (${runDir})\n`,
      );
    process.exitCode = 130;
    return;
  }
  const summary = await writeSweepDir(
    runDir,
    expanded,
    run.outcomes as ConfigOutcome[],
    grid,
    dataHash,
    span,
  );
  const out: SweepSummary = {
    ...summary,
    resumed: run.resumed,
    computed: run.computed,
    complete: true,
    configsPerSecond: rate,
  };
  if (scope.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const b = out.best;
  process.stdout.write(
    `sweep of ${out.configs} configs (${run.computed} run, ${run.resumed} resumed${rate > 0 ? `, ${rate.toFixed(2)} configs/s` : ''})\n` +
      `best under ${grid.objective} with ≥ ${grid.constraints.min_trades} trades: ` +
      (b
        ? `#${b.index} ${JSON.stringify(b.params)} ${objective.metric}=${fmt(b.metrics[objective.metric])} trades=${b.trades}\n`
        : `none (${out.reason})\n`) +
      `sweep hash ${out.sweepHash}\nrun directory ${runDir}\n`,
  );
}

/** Writes sweep.csv, sweep.parquet, result.json and report.html; returns what result.json says. */
export async function writeSweepDir(
  runDir: string,
  expanded: ExpandedGrid<BacktestConfig>,
  outcomes: readonly ConfigOutcome[],
  grid: GridFile,
  dataHash: string,
  span: BacktestSpan | undefined,
): Promise<Omit<SweepSummary, 'resumed' | 'computed' | 'complete' | 'configsPerSecond'>> {
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
  const ranked = [...rows]
    .filter((r) => r.metrics[objective.metric] !== null && r.trades >= grid.constraints.min_trades)
    .sort((a, b) => {
      const x = a.metrics[objective.metric] as number;
      const y = b.metrics[objective.metric] as number;
      return (objective.minimise ? x - y : y - x) || a.index - b.index;
    })
    .slice(0, 25);
  const shown = ['sharpe', 'totalReturn', 'maxDrawdown', 'winRate', 'profitFactor'];
  writeFileSync(
    join(runDir, 'report.html'),
    minimalReport(
      `Sweep: ${grid.objective}, ${rows.length} configs`,
      {
        'sweep hash': hash,
        'best config': sel.best ? `#${sel.best.index}` : sel.reason,
        'probability of backtest overfitting (CSCV)': stats.pbo?.pbo ?? stats.pboNote,
        'deflated Sharpe ratio of the best': stats.chosen?.dsr ?? null,
        'probabilistic Sharpe ratio of the best': stats.chosen?.psr ?? null,
        trials: stats.trials,
      },
      ['#', ...expanded.axes.map((a) => a.path), 'trades', ...shown],
      ranked.map((r) => [
        r.index,
        ...expanded.axes.map((a) => r.params[a.path]),
        r.trades,
        ...shown.map((m) => r.metrics[m]),
      ]),
    ),
  );
  return { runDir, configs: rows.length, sweepHash: hash, best: sel.best, reason: sel.reason };
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description(
      'run every config of a grid (YAML: objective, constraints, search, params as dotted config paths) on the same ' +
        'candles in parallel workers; writes sweep.csv/.parquet (one row per config), result.json (best config, sweep ' +
        'hash, deflated Sharpe, PBO) and report.html. Interrupted sweeps resume when rerun.',
    )
    .option('--config <file>', 'base config (YAML over the defaults; may hold a backtest: section)')
    .requiredOption('--grid <file>', 'grid file (see config/grids/ote-4h.yaml)')
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', TIMEFRAME_HELP)
    .option('--from <date>', 'first traded bar (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'run directory (default runs/sweep-<hash of grid and data>; rerunning resumes it)')
    .option('--json', 'print a machine-readable summary')
    .action(action(sweepAction));
}
