import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sampleVariance } from 'simple-statistics';
import { z } from 'zod';
import { UserError } from '../data/errors.ts';
import { contentHash } from '../engine/backtest/hash.ts';
import {
  COMPARE_METRICS,
  type Comparison,
  compareOutcomes,
  type NamedOutcome,
} from '../engine/research/compare/compare.ts';
import { resolveVariants, type VariantsFile } from '../engine/research/compare/variants-file.ts';
import { ResearchConfigSchema } from '../engine/research/config-schema.ts';
import { funnelRecord } from '../engine/research/jobs/backtest-outcome.ts';
import type { ConfigOutcome } from '../engine/research/outcome.ts';
import type { ProgressInfo } from '../engine/research/pool/progress.ts';
import { readResultLog, resultKey } from '../engine/research/pool/results-log.ts';
import { dailyReturnsFromEquity } from '../engine/research/stats/daily-returns.ts';
import { sharpeSampleOf } from '../engine/research/stats/sharpe-inference.ts';
import { runSweep } from '../engine/research/sweep.ts';
import { writeRunReportHtml } from '../reports/report/read.ts';
import { toCsv } from '../reports/run-dir/csv.ts';
import { readBacktestRun } from '../reports/run-dir/read.ts';
import type { CandleQuery } from './candles.ts';
import { type CompareWalkForwardOptions, walkForwardVariants } from './compare-walkforward.ts';
import {
  type ConfigSource,
  loadResearchConfig,
  PACKAGE_VERSION,
  type VariantsInput,
  variantsOf,
} from './config.ts';
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
 * Variant comparison on the same data: a side-by-side table (trades, win rate, expectancy, profit factor,
 * Sharpe, Sortino, max drawdown, exposure, the gate funnel), each variant minus the baseline with seeded
 * block-bootstrap confidence intervals, probabilistic and deflated Sharpe ratios and PBO. Either runs a
 * variants file on the store's candles, or compares finished run directories (backtest or sweep; the
 * first is the baseline). Writes compare.csv, differences.csv, result.json and report.html.
 */
export interface CompareRunOptions extends Partial<CandleQuery> {
  /** Variants file path or object: runs each variant (needs `db`). */
  readonly variants?: string | VariantsInput;
  /** Finished backtest or sweep run directories, instead of `variants`. */
  readonly dirs?: readonly string[];
  /** Base config the variants override: a YAML file or config document over the defaults. */
  readonly config?: ConfigSource;
  /**
   * With `variants`: walk each variant forward over these windows and compare the stitched
   * out-of-sample runs (api/compare-walkforward.ts) instead of one backtest each.
   */
  readonly walkForward?: CompareWalkForwardOptions;
  /** Bootstrap seed (overrides the variants file; default 7). */
  readonly seed?: number;
  /** Bootstrap resamples (overrides the variants file; default 2000). */
  readonly resamples?: number;
  /** Worker threads (0 runs in this thread); default the available cores. */
  readonly workers?: number;
  /** Output directory; default runs/compare-<hash>. */
  readonly out?: string;
  readonly onProgress?: ProgressCallback<ProgressInfo>;
  /** Variants dropped by `invalid: skip`, unreadable results-log lines. */
  readonly onWarning?: WarningCallback;
  /** Stops starting variants; the outcome is `complete: false` (rerun to resume). */
  readonly signal?: AbortSignal;
}

/** A finished comparison and the directory it was written to. */
export interface CompareComplete {
  readonly complete: true;
  readonly runDir: string;
  readonly comparison: Comparison;
}

/** A variants run stopped by its signal: rerun with the same inputs to resume. */
export interface CompareStopped {
  readonly complete: false;
  readonly runDir: string;
}

/** What {@link compare} returns: `complete` tells which. */
export type CompareOutcome = CompareComplete | CompareStopped;

const SweepResultSchema = z
  .object({
    kind: z.literal('sweep'),
    dataHash: z.string(),
    configs: z.number(),
    best: z.object({ configHash: z.string() }).loose().nullable(),
  })
  .loose();
const KindSchema = z.object({ kind: z.string() }).loose();

/** Per-day Sharpe ratio of each outcome with at least two days (the trials' spread for the DSR). */
function dailySharpes(outcomes: readonly ConfigOutcome[]): number[] {
  const out: number[] = [];
  for (const o of outcomes) {
    if (o.daily.length < 2) continue;
    const s = sharpeSampleOf(o.daily).sharpe;
    if (Number.isFinite(s)) out.push(s);
  }
  return out;
}

/**
 * A finished run directory as a comparison entry: a backtest run (its equity curve and metrics), or a
 * sweep (its best config, whose outcome is in the results log; every config the sweep ran counts as a
 * trial).
 */
export async function outcomeOfRunDir(
  dir: string,
): Promise<{ outcome: ConfigOutcome; trials: number; trialSharpes: number[] }> {
  const resultPath = join(dir, 'result.json');
  if (!existsSync(resultPath)) throw new UserError(`${dir} is not a run directory: result.json is missing`);
  const raw: unknown = JSON.parse(readFileSync(resultPath, 'utf8'));
  const kind = KindSchema.safeParse(raw);
  if (!kind.success)
    throw new UserError(`${resultPath}: no kind field; compare takes backtest and sweep run directories`);
  if (kind.data.kind === 'backtest') {
    const run = await readBacktestRun(dir);
    const d = dailyReturnsFromEquity(run.equity.ts, run.equity.equity);
    const metrics: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(run.metrics)) if (typeof v === 'number' || v === null) metrics[k] = v;
    const outcome: ConfigOutcome = {
      metrics,
      trades: run.metrics.trades,
      resultHash: run.resultHash,
      firstDay: d.days.length ? d.days[0] : null,
      daily: Array.from(d.returns),
      finalEquity: run.metrics.finalEquity,
      funnel: funnelRecord(run.funnel),
    };
    return { outcome, trials: 1, trialSharpes: dailySharpes([outcome]) };
  }
  if (kind.data.kind === 'sweep') {
    const sweep = SweepResultSchema.parse(raw);
    if (sweep.best === null)
      throw new UserError(
        `${dir}: the sweep chose no config (none met its constraints), so there is nothing to compare`,
      );
    const log = readResultLog<ConfigOutcome>(join(dir, 'results.jsonl'));
    const outcome = log.records.get(resultKey(sweep.best.configHash, sweep.dataHash));
    if (outcome === undefined)
      throw new UserError(
        `${dir}: results.jsonl lacks the best config's result: rerun the sweep to complete it`,
      );
    return { outcome, trials: sweep.configs, trialSharpes: dailySharpes([...log.records.values()]) };
  }
  throw new UserError(
    `${dir}: a '${kind.data.kind}' run cannot be compared: give backtest or sweep run directories`,
  );
}

/** Writes compare.csv, differences.csv, result.json and report.html of a comparison into `runDir`. */
export async function writeComparison(
  runDir: string,
  c: Comparison,
  meta: Record<string, unknown>,
): Promise<void> {
  const funnelKeys = [
    ...new Set(
      c.rows.flatMap((r) =>
        Object.entries(r.funnel ?? {}).flatMap(([id, f]) => Object.keys(f).map((k) => `${id}:${k}`)),
      ),
    ),
  ].sort();
  const header = ['variant', ...COMPARE_METRICS, 'psr', 'dsr', ...funnelKeys];
  const rows = c.rows.map((r) => [
    r.name,
    ...COMPARE_METRICS.map((m) => r.metrics[m] ?? null),
    r.psr,
    r.dsr,
    ...funnelKeys.map((k) => {
      const [id, ...rest] = k.split(':');
      return r.funnel?.[id]?.[rest.join(':')] ?? null;
    }),
  ]);
  writeFileSync(join(runDir, 'compare.csv'), toCsv(header, rows));
  const diffRows = c.differences.flatMap((d) =>
    Object.entries(d.statistics).map(
      ([stat, ci]) =>
        [d.name, stat, ci.estimate, ci.low, ci.high, ci.confidence, ci.blockLength, ci.method] as const,
    ),
  );
  writeFileSync(
    join(runDir, 'differences.csv'),
    toCsv(
      ['variant', 'statistic', 'difference', 'low', 'high', 'confidence', 'blockLength', 'method'],
      diffRows.map((r) => [...r]),
    ),
  );
  const result = {
    kind: 'compare',
    schema: 1,
    packageVersion: PACKAGE_VERSION,
    ...meta,
    comparison: c,
    compareHash: contentHash(c),
  };
  writeFileSync(join(runDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeRunReportHtml(runDir);
}

interface Entries {
  named: NamedOutcome[];
  baseline: string;
  trials: number;
  trialSharpeVariance?: number;
  bootstrap: VariantsFile['bootstrap'];
  runDir: string;
  meta: Record<string, unknown>;
}

async function variantEntries(
  opts: CompareRunOptions,
  variants: string | VariantsInput,
): Promise<Entries | CompareStopped> {
  if (opts.db === undefined) throw new UserError('running variants needs a candle store: pass --db');
  const query: CandleQuery = { ...opts, db: opts.db };
  const file = variantsOf(variants);
  const bootstrap = {
    ...file.bootstrap,
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.resamples === undefined ? {} : { resamples: opts.resamples }),
  };
  const resolved = resolveVariants(file, loadResearchConfig(opts.config), ResearchConfigSchema);
  for (const line of resolved.skipped)
    opts.onWarning?.(`skipped (invalid: skip): ${line}`, 'variant-skipped');
  const configs = resolved.variants.map((v) => ({
    index: v.index,
    params: v.params,
    config: v.config,
    configHash: v.configHash,
  }));
  const { candles, warmup } = await loadResearchCandles(
    query,
    configs.map((c) => c.config),
  );
  const span = scopeSpan(query, warmup);
  const dataHash = contentHash({ candles: candlesHash(candles), span: span ?? null });
  const runDir =
    opts.out ??
    join(
      'runs',
      `compare-${contentHash({ configs: configs.map((c) => c.configHash), dataHash }).slice(0, 12)}`,
    );
  const { known, writer } = openResultsLog(runDir, opts.onWarning);
  const pool = openBacktestPool(candles, opts.workers ?? defaultWorkers());
  let run: Awaited<ReturnType<typeof runSweep>>;
  try {
    run = await runSweep({
      configs,
      dataHash,
      pool,
      span,
      known,
      record: (k, o) => writer.append(k, o),
      onProgress: opts.onProgress && ((p) => opts.onProgress?.(p.done, p.total, p)),
      signal: opts.signal,
    });
  } finally {
    writer.close();
    await pool.close();
  }
  if (!run.complete) return { complete: false, runDir };
  const named = resolved.variants.map((v, i) => ({
    name: v.name,
    outcome: run.outcomes[i] as ConfigOutcome,
  }));
  return {
    named,
    baseline: resolved.baseline,
    trials: named.length,
    bootstrap,
    runDir,
    meta: {
      variantsFile: typeof variants === 'string' ? variants : null,
      dataHash,
      span: span ?? null,
      variants: resolved.variants.map((v) => ({ name: v.name, params: v.params, configHash: v.configHash })),
    },
  };
}

async function walkForwardEntries(
  opts: CompareRunOptions,
  variants: string | VariantsInput,
  walk: CompareWalkForwardOptions,
): Promise<Entries | CompareStopped> {
  if (opts.db === undefined) throw new UserError('running variants needs a candle store: pass --db');
  const file = variantsOf(variants);
  const { onProgress, ...rest } = opts;
  const r = await walkForwardVariants({
    ...rest,
    db: opts.db,
    file,
    walkForward: walk,
    ...(opts.out === undefined ? {} : { runDir: opts.out }),
    ...(onProgress === undefined ? {} : { onProgress: (d, t, p) => onProgress(d, t, p) }),
  });
  if (!r.complete) return r;
  return {
    named: r.variants.map((v) => ({ name: v.name, outcome: v.outcome })),
    baseline: r.baseline,
    trials: r.trials,
    bootstrap: {
      ...file.bootstrap,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.resamples === undefined ? {} : { resamples: opts.resamples }),
    },
    runDir: r.runDir,
    meta: { variantsFile: typeof variants === 'string' ? variants : null, ...r.meta },
  };
}

async function dirEntries(opts: CompareRunOptions, dirs: readonly string[]): Promise<Entries> {
  if (dirs.length < 2) throw new UserError('compare needs --variants FILE or at least two run directories');
  const entries = await Promise.all(dirs.map(async (d) => ({ dir: d, ...(await outcomeOfRunDir(d)) })));
  const names = entries.map((e) => basename(e.dir.replace(/\/+$/, '')));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  const named = entries.map((e, i) => ({
    name: dup === undefined ? names[i] : `${i}:${names[i]}`,
    outcome: e.outcome,
  }));
  const sharpes = entries.flatMap((e) => e.trialSharpes);
  return {
    named,
    baseline: named[0].name,
    trials: entries.reduce((n, e) => n + e.trials, 0),
    trialSharpeVariance: sharpes.length >= 2 ? sampleVariance(sharpes) : undefined,
    bootstrap: {
      seed: opts.seed ?? 7,
      resamples: opts.resamples ?? 2000,
      method: 'stationary',
      confidence: 0.95,
    },
    runDir:
      opts.out ??
      join('runs', `compare-${contentHash(entries.map((e) => e.outcome.resultHash)).slice(0, 12)}`),
    meta: { dirs },
  };
}

/**
 * Runs the variants (or reads the run directories), compares them against the baseline and writes the
 * comparison's directory. Throws a UserError when the runs share fewer than 2 days of returns.
 */
export async function compare(opts: CompareRunOptions): Promise<CompareOutcome> {
  let entries: Entries | CompareStopped;
  if (opts.variants !== undefined) {
    if (opts.dirs?.length) throw new UserError('give either --variants FILE or run directories, not both');
    entries =
      opts.walkForward === undefined
        ? await variantEntries(opts, opts.variants)
        : await walkForwardEntries(opts, opts.variants, opts.walkForward);
  } else {
    entries = await dirEntries(opts, opts.dirs ?? []);
  }
  if ('complete' in entries) return entries;
  const { bootstrap } = entries;
  const comparison = compareOutcomes(entries.named, entries.baseline, {
    seed: bootstrap.seed,
    resamples: bootstrap.resamples,
    blockLength: bootstrap.block_length,
    method: bootstrap.method,
    confidence: bootstrap.confidence,
    trials: entries.trials,
    trialSharpeVariance: entries.trialSharpeVariance,
  });
  if (comparison.days < 2)
    throw new UserError('the variants share fewer than 2 days of returns: compare runs over the same span');
  mkdirSync(entries.runDir, { recursive: true });
  await writeComparison(entries.runDir, comparison, entries.meta);
  return { complete: true, runDir: entries.runDir, comparison };
}
