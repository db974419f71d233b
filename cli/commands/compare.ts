import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { sampleVariance } from 'simple-statistics';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { contentHash } from '../../engine/backtest/hash.ts';
import {
  COMPARE_METRICS,
  type Comparison,
  compareOutcomes,
  type NamedOutcome,
} from '../../engine/research/compare/compare.ts';
import {
  parseVariantsFile,
  resolveVariants,
  type VariantsFile,
} from '../../engine/research/compare/variants-file.ts';
import { ResearchConfigSchema } from '../../engine/research/config-schema.ts';
import { funnelRecord } from '../../engine/research/jobs/backtest-outcome.ts';
import type { ConfigOutcome } from '../../engine/research/outcome.ts';
import { readResultLog, resultKey } from '../../engine/research/pool/results-log.ts';
import { dailyReturnsFromEquity } from '../../engine/research/stats/daily-returns.ts';
import { sharpeSampleOf } from '../../engine/research/stats/sharpe-inference.ts';
import { runSweep } from '../../engine/research/sweep.ts';
import { toCsv } from '../../reports/run-dir/csv.ts';
import { readBacktestRun } from '../../reports/run-dir/read.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { action } from '../run-action.ts';
import {
  candlesHash,
  interruptOnSigint,
  loadResearchConfig,
  loadSharedCandles,
  maxWarmup,
  minimalReport,
  openBacktestPool,
  openResultsLog,
  PACKAGE_VERSION,
  parseWorkers,
  pickBaseSeries,
  progressReporter,
  scopeSpan,
} from './sweep.ts';

interface CompareFlags extends RawScopeOptions {
  variants?: string;
  config?: string;
  workers?: string;
  out?: string;
  source?: string;
  seed?: string;
  resamples?: string;
}

function readVariants(path: string): VariantsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--variants '${path}' cannot be read (${(err as Error).message}): give an existing YAML file`,
    );
  }
  return parseVariantsFile(text, path);
}

const SweepResultSchema = z
  .object({
    kind: z.literal('sweep'),
    dataHash: z.string(),
    configs: z.number(),
    best: z.object({ configHash: z.string() }).loose().nullable(),
  })
  .loose();
const KindSchema = z.object({ kind: z.string() }).loose();

/**
 * A finished run directory as a comparison entry: a backtest run (its equity curve and metrics), or a
 * sweep (its best config, whose outcome is in the results log; every config the sweep ran counts as a
 * trial).
 */
async function outcomeOfDir(
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

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} '${value}' must be a whole number ≥ 0`);
  return n;
}

function writeComparison(runDir: string, c: Comparison, meta: Record<string, unknown>): void {
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
  writeFileSync(
    join(runDir, 'report.html'),
    minimalReport(
      `Variant comparison against ${c.baseline}`,
      {
        days: c.days,
        'trials (for the deflated Sharpe ratio)': c.trials,
        'probability of backtest overfitting (CSCV across the variants)': c.pbo ?? c.pboNote,
        ...Object.fromEntries(
          c.differences.map((d) => {
            const s = d.statistics.sharpe;
            return [
              `${d.name} − ${c.baseline}: Sharpe`,
              `${s.estimate.toFixed(3)} [${s.low.toFixed(3)}, ${s.high.toFixed(3)}]`,
            ];
          }),
        ),
      },
      header,
      rows,
    ),
  );
}

async function compareAction(dirs: string[], flags: CompareFlags): Promise<void> {
  const scope = parseCandleScope(flags);
  const seedFlag = positiveInt('--seed', flags.seed);
  const resamplesFlag = positiveInt('--resamples', flags.resamples);
  let named: NamedOutcome[];
  let baseline: string;
  let trials: number;
  let trialSharpeVariance: number | undefined;
  let bootstrap: VariantsFile['bootstrap'] = {
    seed: seedFlag ?? 7,
    resamples: resamplesFlag ?? 2000,
    method: 'stationary',
    confidence: 0.95,
  };
  let runDir: string;
  let meta: Record<string, unknown>;

  if (flags.variants !== undefined) {
    if (dirs.length) throw new UserError('give either --variants FILE or run directories, not both');
    const file = readVariants(flags.variants);
    bootstrap = {
      ...file.bootstrap,
      ...(seedFlag === undefined ? {} : { seed: seedFlag }),
      ...(resamplesFlag === undefined ? {} : { resamples: resamplesFlag }),
    };
    const resolved = resolveVariants(file, loadResearchConfig(flags.config), ResearchConfigSchema);
    baseline = resolved.baseline;
    for (const line of resolved.skipped) process.stderr.write(`smc: skipped (invalid: skip): ${line}\n`);
    const configs = resolved.variants.map((v) => ({
      index: v.index,
      params: v.params,
      config: v.config,
      configHash: v.configHash,
    }));
    const probe = await CandleStore.open(scope.db, { readOnly: true });
    let base: ReturnType<typeof pickBaseSeries>[number]['timeframe'];
    try {
      base = pickBaseSeries(await probe.list(), scope.symbols, scope.timeframe, flags.source)[0].timeframe;
    } finally {
      await probe.close();
    }
    const warmup = maxWarmup(
      configs.map((c) => c.config),
      base,
    );
    const candles = await loadSharedCandles(scope, flags.source, warmup);
    const span = scopeSpan(scope, warmup);
    const dataHash = contentHash({ candles: candlesHash(candles), span: span ?? null });
    runDir =
      flags.out ??
      join(
        'runs',
        `compare-${contentHash({ configs: configs.map((c) => c.configHash), dataHash }).slice(0, 12)}`,
      );
    const { known, writer } = openResultsLog(runDir, scope.json);
    const pool = openBacktestPool(candles, parseWorkers(flags.workers));
    const interrupt = interruptOnSigint(scope.json);
    const progress = progressReporter(scope.json, 'variants');
    let run: Awaited<ReturnType<typeof runSweep>>;
    try {
      run = await runSweep({
        configs,
        dataHash,
        pool,
        span,
        known,
        record: (k, o) => writer.append(k, o),
        onProgress: progress.onProgress,
        signal: interrupt.signal,
      });
    } finally {
      progress.stop();
      interrupt.dispose();
      writer.close();
      await pool.close();
    }
    if (!run.complete) {
      process.stderr.write(`smc: compare stopped; rerun the same command to resume (${runDir})\n`);
      process.exitCode = 130;
      return;
    }
    named = resolved.variants.map((v, i) => ({ name: v.name, outcome: run.outcomes[i] as ConfigOutcome }));
    trials = named.length;
    meta = {
      variantsFile: flags.variants,
      dataHash,
      span: span ?? null,
      variants: resolved.variants.map((v) => ({ name: v.name, params: v.params, configHash: v.configHash })),
    };
  } else {
    if (dirs.length < 2) throw new UserError('compare needs --variants FILE or at least two run directories');
    const entries = await Promise.all(dirs.map(async (d) => ({ dir: d, ...(await outcomeOfDir(d)) })));
    const names = entries.map((e) => basename(e.dir.replace(/\/+$/, '')));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    named = entries.map((e, i) => ({
      name: dup === undefined ? names[i] : `${i}:${names[i]}`,
      outcome: e.outcome,
    }));
    baseline = named[0].name;
    trials = entries.reduce((n, e) => n + e.trials, 0);
    const sharpes = entries.flatMap((e) => e.trialSharpes);
    trialSharpeVariance = sharpes.length >= 2 ? sampleVariance(sharpes) : undefined;
    runDir =
      flags.out ??
      join('runs', `compare-${contentHash(entries.map((e) => e.outcome.resultHash)).slice(0, 12)}`);
    meta = { dirs };
  }

  const comparison = compareOutcomes(named, baseline, {
    seed: bootstrap.seed,
    resamples: bootstrap.resamples,
    blockLength: bootstrap.block_length,
    method: bootstrap.method,
    confidence: bootstrap.confidence,
    trials,
    trialSharpeVariance,
  });
  if (comparison.days < 2)
    throw new UserError('the variants share fewer than 2 days of returns: compare runs over the same span');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(runDir, { recursive: true });
  writeComparison(runDir, comparison, meta);
  if (scope.json) {
    process.stdout.write(`${JSON.stringify({ runDir, ...comparison }, null, 2)}\n`);
    return;
  }
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const lines = [
    `variants on ${comparison.days} common days; baseline ${baseline}; trials ${comparison.trials}`,
  ];
  lines.push(
    ['variant', 'trades', 'winRate', 'sharpe', 'maxDD', 'PSR', 'DSR'].map((h) => h.padEnd(18)).join(''),
  );
  for (const r of comparison.rows) {
    lines.push(
      [
        r.name,
        String(r.metrics.trades ?? '—'),
        f(r.metrics.winRate),
        f(r.metrics.sharpe),
        f(r.metrics.maxDrawdown),
        f(r.psr),
        f(r.dsr),
      ]
        .map((c) => c.padEnd(18))
        .join(''),
    );
  }
  lines.push(
    `difference to ${baseline}, ${Math.round((comparison.differences[0]?.statistics.sharpe.confidence ?? 0.95) * 100)}% block-bootstrap interval:`,
  );
  for (const d of comparison.differences) {
    const s = d.statistics.sharpe;
    const t = d.statistics.total_return;
    lines.push(
      `  ${d.name.padEnd(20)} Sharpe ${f(s.estimate)} [${f(s.low)}, ${f(s.high)}]   total return ${f(t.estimate)} [${f(t.low)}, ${f(t.high)}]`,
    );
  }
  lines.push(
    `PBO (CSCV across variants): ${comparison.pbo === null ? comparison.pboNote : f(comparison.pbo)}`,
  );
  lines.push(`run directory ${runDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'compare variants on the same data: a side-by-side table (trades, win rate, expectancy, profit factor, Sharpe, ' +
        'Sortino, max drawdown, exposure, the gate funnel), each variant minus the baseline with seeded block-bootstrap ' +
        'confidence intervals, probabilistic and deflated Sharpe ratios and PBO. Either --variants FILE (runs them) ' +
        'or finished run directories DIR DIR... (the first is the baseline)',
    )
    .argument('[dirs...]', 'backtest or sweep run directories to compare')
    .option('--variants <file>', 'variants file (see config/variants/seed-more-trades.yaml)')
    .option('--config <file>', 'base config the variants override (YAML over the defaults)')
    .option('--symbols <list>', 'comma-separated symbols')
    .option('--timeframe <tf>', TIMEFRAME_HELP)
    .option('--from <date>', 'first traded bar (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'end of the data (exclusive)')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--seed <n>', 'bootstrap seed (overrides the variants file)')
    .option('--resamples <n>', 'bootstrap resamples (overrides the variants file)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'output directory (default runs/compare-<hash>)')
    .option('--json', 'print the comparison as JSON')
    .action(action(compareAction));
}
