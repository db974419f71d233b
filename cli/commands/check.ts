import type { Command } from 'commander';
import { z } from 'zod';
import { type CandleQuery, loadCandles } from '../../api/candles.ts';
import { type ConfigDocument, loadBacktestConfig } from '../../api/config.ts';
import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { BacktestConfig } from '../../engine/backtest/config.ts';
import {
  checkLookahead,
  checkWarmup,
  DEFAULT_WARMUP_OFFSETS,
  DEFAULT_WARMUP_TOLERANCE,
  type LookaheadReport,
  type NamedStrategy,
  requiredWarmupMsOf,
  strategiesOfConfig,
  type WarmupItem,
  type WarmupReport,
} from '../../engine/research/checks/index.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { action, formatZodError } from '../run-action.ts';

/**
 * `smc check lookahead|warmup`: the guardrails users run on their own configs (issue 7 item 6). Candles
 * are loaded as `smc backtest` loads them (one base series per symbol, higher timeframes resampled);
 * the checks themselves are pure library functions (engine/research/checks).
 */

type ProgressFn = (done: number, total: number) => void;

interface CheckInput {
  readonly config: BacktestConfig;
  readonly strategies: NamedStrategy[];
  readonly bases: CandleSeries[];
}

/** The config's strategies and the scope's base candles, `warmup(strategies, base)` ms before `from`. */
async function loadCheckInput(
  query: CandleQuery,
  configSource: string | ConfigDocument | undefined,
  warmup: (strategies: readonly NamedStrategy[], base: Timeframe) => number,
): Promise<CheckInput> {
  const config = loadBacktestConfig(configSource);
  let strategies: NamedStrategy[];
  try {
    strategies = strategiesOfConfig(config);
  } catch (err) {
    if (err instanceof z.ZodError) throw new UserError(`invalid config: ${formatZodError(err)}`);
    throw err;
  }
  const bases = await loadCandles(query, { warmup: (base) => warmup(strategies, base) });
  return { config, strategies, bases };
}

export interface LookaheadCheckOptions extends CandleQuery {
  readonly config?: string | ConfigDocument;
  readonly samples?: number;
  readonly seed?: number;
  readonly onProgress?: ProgressFn;
}

/**
 * `smc check lookahead` as a function: loads the config's strategies and the candles (with the required
 * warm-up before `from`) and runs the truncation check over bars sampled in [from, to).
 */
export async function runLookaheadCheck(opts: LookaheadCheckOptions): Promise<LookaheadReport> {
  const input = await loadCheckInput(opts, opts.config, (s, base) => requiredWarmupMsOf(s, base));
  return checkLookahead({
    strategies: input.strategies,
    bases: input.bases,
    ...(opts.samples === undefined ? {} : { samples: opts.samples }),
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    ...(opts.from === undefined ? {} : { from: opts.from }),
    ...(opts.to === undefined ? {} : { to: opts.to }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
  });
}

export interface WarmupCheckOptions extends CandleQuery {
  readonly config?: string | ConfigDocument;
  readonly tolerance?: number;
  readonly offsets?: readonly number[];
  readonly onProgress?: ProgressFn;
}

/**
 * `smc check warmup` as a function: measures on the candles in [from, to) exactly as given (the data's
 * own start is what is varied, so no history is added before `from`).
 */
export async function runWarmupCheck(opts: WarmupCheckOptions): Promise<WarmupReport> {
  const input = await loadCheckInput(opts, opts.config, () => 0);
  const epsilon = input.config.backtest.warmup_epsilon;
  return checkWarmup({
    strategies: input.strategies,
    bases: input.bases,
    ...(epsilon === undefined ? {} : { epsilon }),
    ...(opts.tolerance === undefined ? {} : { tolerance: opts.tolerance }),
    ...(opts.offsets === undefined ? {} : { offsets: opts.offsets }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
  });
}

// ---- flags ----

const intFlag = (flag: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${flag} must be a whole number` })
    .int(`${flag} must be a whole number`)
    .min(min, `${flag} must be ≥ ${min}`)
    .max(max, `${flag} must be ≤ ${max}`);

const LookaheadFlags = z.object({
  config: z.string().min(1, '--config needs a file path').optional(),
  source: z.string().min(1, '--source needs a name').optional(),
  samples: intFlag('--samples', 1, 100_000).default(20),
  seed: intFlag('--seed', 0, 2 ** 32 - 1).default(7),
});

const WarmupFlags = z.object({
  config: z.string().min(1, '--config needs a file path').optional(),
  source: z.string().min(1, '--source needs a name').optional(),
  tolerance: z.coerce
    .number({ error: '--tolerance must be a number, e.g. 0.01 for 1%' })
    .min(0, '--tolerance must be ≥ 0')
    .lt(1, '--tolerance must be < 1 (it is a fraction: 0.01 = 1%)')
    .default(DEFAULT_WARMUP_TOLERANCE),
  offsets: z
    .string()
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(
      z
        .array(
          z
            .number({ error: '--offsets must be fractions like 0.1,0.2,0.3' })
            .gt(0, '--offsets must each be > 0')
            .lt(1, '--offsets must each be < 1 (fractions of the data span)'),
        )
        .min(1),
    )
    .optional(),
});

function parseFlags<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  return parsed.data;
}

// ---- text output ----

const DAY = TIMEFRAME_MS['1d'];
const iso = (ts: number) => new Date(ts).toISOString().replace(':00.000Z', 'Z');
const days = (ms: number) => `${(ms / DAY).toFixed(ms < 10 * DAY ? 1 : 0)} d`;

function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(8).replace(/\.?0+$/, '');
  if (v === '') return '(none)';
  return String(v);
}

/** The lookahead report for people: one line per scope, then each difference by gate and indicator. */
export function formatLookahead(r: LookaheadReport, maxShown = 20): string {
  const lines: string[] = [];
  const strategies = [...new Set(r.scopes.map((s) => s.strategyId))];
  const symbols = [...new Set(r.scopes.map((s) => s.symbol))];
  lines.push(
    `lookahead check: ${strategies.join(', ')} × ${symbols.length} symbol(s), up to ${r.samplesPerScope} bars each (seed ${r.seed}); ` +
      'each decision recomputed on the data cut after its bar',
  );
  const w = Math.max(...r.scopes.map((s) => s.strategyId.length), 8);
  for (const s of r.scopes) {
    lines.push(
      `  ${s.strategyId.padEnd(w)}  ${s.symbol.padEnd(6)} ${String(s.sampled).padStart(5)} bars (${s.signals} signals)  ` +
        `${s.differences === 0 ? 'ok' : `${s.differences} CHANGED`}`,
    );
  }
  for (const d of r.differences.slice(0, maxShown)) {
    const reasons = (x: { action: string; reasons: readonly string[] }) =>
      `${x.action}${x.reasons.length ? ` [${x.reasons.join(', ')}]` : ''}`;
    lines.push('');
    lines.push(
      `LOOKAHEAD: ${d.strategyId} ${d.symbol} at ${iso(d.ts)} (bar ${d.bar}): ${reasons(d.full)} on the full data, ` +
        `${reasons(d.truncated)} without the bars after it`,
    );
    for (const gate of d.gates) {
      const fields = d.fields.filter((f) => f.gate === gate);
      const indicators = [...new Set(fields.map((f) => f.indicator).filter((x) => x !== null))];
      lines.push(`  gate ${gate}${indicators.length ? ` (${indicators.join('; ')})` : ''}:`);
      for (const f of fields) lines.push(`    ${f.field}: ${fmtValue(f.a)} → ${fmtValue(f.b)}`);
    }
  }
  if (r.differences.length > maxShown) {
    lines.push('', `… and ${r.differences.length - maxShown} more differences (--json lists them all)`);
  }
  lines.push('');
  lines.push(
    r.ok
      ? 'ok: no sampled decision changed when the data after it was removed'
      : `FAILED: ${r.differences.length} decision(s) changed when the data after them was removed — they read the future`,
  );
  return lines.join('\n');
}

function itemLine(x: WarmupItem, nameWidth: number): string {
  const tfMs = TIMEFRAME_MS[x.timeframe];
  const measured =
    x.measuredBars === null
      ? 'never settled in the data'
      : `${x.measuredBars} bars (${days(x.measuredBars * tfMs)})`;
  const own = x.declaredBars === null ? '' : `, own setting ${x.declaredBars}`;
  const bound = x.boundBars === null ? '' : `, bound ${x.boundBars}`;
  const verdict = `declared ${x.coveredByStrategy ? 'covers' : 'SHORT'}, required ${x.coveredByRequired ? 'covers' : 'SHORT'}`;
  const worst = x.worst === null ? '' : `; worst ${x.worst.symbol} from ${iso(x.worst.startTs).slice(0, 10)}`;
  const rate =
    x.coveredByStrategy || x.disagreeingAfterWarmup === 0
      ? ''
      : `; ${(x.disagreeingAfterWarmup * 100).toFixed(2)}% of values past the declared warm-up differ`;
  return `    ${`${x.name} — ${x.role}`.padEnd(nameWidth)}  needs ${measured}${own}${bound}  → ${verdict}${worst}${rate}`;
}

/** The warm-up report for people: per strategy and timeframe, what each input needs and who covers it. */
export function formatWarmup(r: WarmupReport): string {
  const lines: string[] = [];
  lines.push(
    `warm-up check: ${r.symbols.join(', ')}; values agree within ${r.tolerance * 100}%; later starts at ` +
      `${r.offsets.map((f) => `${Math.round(f * 100)}%`).join(', ')} of each series; required warm-up: ` +
      `each EMA/ATR until its seed weighs ≤ ${r.epsilon} (backtest.warmup_epsilon)`,
  );
  for (const s of r.strategies) {
    const base = TIMEFRAME_MS[s.baseTimeframe];
    lines.push('');
    lines.push(
      `${s.strategyId} (${s.kind}): declared warm-up ${s.warmupBars} ${s.baseTimeframe} bars (${days(s.warmupBars * base)}), ` +
        `required ${s.requiredBars} (${days(s.requiredBars * base)})`,
    );
    const items = [s.decisions, ...s.features];
    const width = Math.max(...items.map((x) => x.name.length + x.role.length + 3));
    const tfs = [...new Set(items.map((x) => x.timeframe))].sort((a, b) => TIMEFRAME_MS[b] - TIMEFRAME_MS[a]);
    for (const tf of tfs) {
      lines.push(
        `  ${tf} (declared ${Math.floor(s.warmupMs / TIMEFRAME_MS[tf])} bars, required ${Math.floor(s.requiredMs / TIMEFRAME_MS[tf])}):`,
      );
      for (const x of items.filter((i) => i.timeframe === tf)) lines.push(itemLine(x, width));
    }
    const worst = s.decisions.worst;
    if (worst?.column) {
      lines.push(
        `  decisions settled last for ${worst.symbol} started ${iso(worst.startTs).slice(0, 10)}: ${worst.column}`,
      );
    }
  }
  lines.push('');
  const short = r.strategies.filter((s) => !s.decisions.coveredByRequired).map((s) => s.strategyId);
  const shortDeclared = r.strategies.filter((s) => !s.coveredByStrategy).map((s) => s.strategyId);
  if (shortDeclared.length > 0) {
    lines.push(`the declared warm-up is too short for: ${shortDeclared.join(', ')} (see SHORT above)`);
  }
  for (const f of r.failures) lines.push(`SHORT: ${f}`);
  lines.push(
    r.ok
      ? 'ok: the required warm-up covers what every strategy’s decisions and smoothed inputs need'
      : `FAILED: ${r.failures.length} input(s) need more than the required warm-up` +
          `${short.length ? ` (decisions of ${short.join(', ')})` : ''} — lower backtest.warmup_epsilon or load more history`,
  );
  return lines.join('\n');
}

// ---- commands ----

function scopeOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config YAML over the defaults; its backtest.strategies are checked')
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', `${TIMEFRAME_HELP}; default the shortest of 15m, 1h stored for all symbols`)
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--json', 'print the full report as JSON');
}

function queryOf(scope: ReturnType<typeof parseCandleScope>, source: string | undefined): CandleQuery {
  return {
    db: scope.db,
    ...(scope.symbols === undefined ? {} : { symbols: scope.symbols }),
    ...(scope.timeframe === undefined ? {} : { timeframe: scope.timeframe }),
    ...(scope.from === undefined ? {} : { from: scope.from }),
    ...(scope.to === undefined ? {} : { to: scope.to }),
    ...(source === undefined ? {} : { source }),
  };
}

export function register(program: Command): void {
  const check = program
    .command('check')
    .description(
      'guardrails for your own config: no lookahead, enough warm-up (exit code 1 when a check fails)',
    );

  scopeOptions(
    check
      .command('lookahead')
      .description(
        'recompute each strategy’s decision at sampled bars on data cut right after the bar, and report every ' +
          'decision that changes — by strategy, symbol, time, gate and indicator. Exit code 1 when one does',
      )
      .option(
        '--from <date>',
        'sample bars from this decision time (history before it is loaded for warm-up)',
      )
      .option('--to <date>', 'end of the data (exclusive)')
      .option('--samples <n>', 'bars sampled per strategy and symbol, half of them signal bars (default 20)')
      .option('--seed <n>', 'seed of the sampling: the same seed checks the same bars (default 7)'),
  )
    .addHelpText('after', '\nExample:\n  smc check lookahead --config my.yaml --symbols BTC,ETH --samples 50')
    .action(
      action(async (raw: RawScopeOptions & Record<string, unknown>) => {
        const scope = parseCandleScope(raw);
        const flags = parseFlags(LookaheadFlags, raw);
        const bar = progressDriver({ json: scope.json });
        let report: LookaheadReport;
        try {
          report = await runLookaheadCheck({
            ...queryOf(scope, flags.source),
            ...(flags.config === undefined ? {} : { config: flags.config }),
            samples: flags.samples,
            seed: flags.seed,
            onProgress: (done, total) => bar.report(done, total, 'lookahead'),
          });
        } finally {
          bar.stop();
        }
        process.stdout.write(`${scope.json ? JSON.stringify(report, null, 2) : formatLookahead(report)}\n`);
        if (!report.ok) process.exitCode = 1;
      }),
    );

  scopeOptions(
    check
      .command('warmup')
      .description(
        'measure how many bars each indicator (and the decisions) needs before its value no longer depends on ' +
          'where the data starts — by running it from later starts — and compare with the declared warm-up and ' +
          'the required one backtests load. Exit code 1 when the decisions need more than the required warm-up',
      )
      .option('--from <date>', 'start of the data measured on')
      .option('--to <date>', 'end of the data (exclusive)')
      .option(
        '--tolerance <x>',
        `relative difference still counted as agreeing (default ${DEFAULT_WARMUP_TOLERANCE} = 1%)`,
      )
      .option(
        '--offsets <list>',
        `later starts as fractions of the data span (default ${DEFAULT_WARMUP_OFFSETS.join(',')})`,
      ),
  )
    .addHelpText('after', '\nExample:\n  smc check warmup --config my.yaml --symbols BTC --tolerance 0.001')
    .action(
      action(async (raw: RawScopeOptions & Record<string, unknown>) => {
        const scope = parseCandleScope(raw);
        const flags = parseFlags(WarmupFlags, raw);
        const bar = progressDriver({ json: scope.json });
        let report: WarmupReport;
        try {
          report = await runWarmupCheck({
            ...queryOf(scope, flags.source),
            ...(flags.config === undefined ? {} : { config: flags.config }),
            tolerance: flags.tolerance,
            ...(flags.offsets === undefined ? {} : { offsets: flags.offsets }),
            onProgress: (done, total) => bar.report(done, total, 'warm-up'),
          });
        } finally {
          bar.stop();
        }
        process.stdout.write(`${scope.json ? JSON.stringify(report, null, 2) : formatWarmup(report)}\n`);
        if (!report.ok) process.exitCode = 1;
      }),
    );
}
