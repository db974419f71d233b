import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { exportCandles } from '../../data/io/export-candles.ts';
import { expandImportPaths, type FileImportReport, importCandlePaths } from '../../data/io/import-candles.ts';
import { formatTs } from '../../data/io/timestamp.ts';
import { checkResample } from '../../data/resample/check-resample.ts';
import { CandleStore, type SeriesSummary } from '../../data/store/candle-store.ts';
import { KNOWN_SOURCES, parseSource } from '../../data/store/source.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import { TIMEFRAMES, type Timeframe, TimeframeSchema } from '../../data/timeframes.ts';
import { formatGap } from '../../data/validate/gaps.ts';
import { defaultDbPath, parseDate } from '../options.ts';
import { createProgress } from '../progress.ts';
import { action, formatZodError } from '../run-action.ts';

/**
 * `smc data …`: the candle store from the command line. `import`, `list`, `export` and
 * `check-resample` live here; `fetch` is registered by its own module through {@link getDataCommand}.
 */

const DB_HELP = `DuckDB file (default ${defaultDbPath()}; env SMC_DB)`;
const SOURCE_HELP = `source = venue and market type (${KNOWN_SOURCES.join(', ')}, …)`;

/** The `data` command of `program`, created on first use so every data subcommand module can add to it. */
export function getDataCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'data');
  if (existing !== undefined) return existing;
  return program
    .command('data')
    .description('candle store: import, fetch, list, export, check-resample')
    .showHelpAfterError('(run with --help for usage)');
}

export function register(program: Command): void {
  const data = getDataCommand(program);
  registerImport(data);
  registerList(data);
  registerExport(data);
  registerCheckResample(data);
  // `smc data fetch` is added by its own module via getDataCommand(program).
}

function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  return parsed.data;
}

function timeframeFlag(flag: string, value: string | undefined): Timeframe | undefined {
  if (value === undefined) return undefined;
  const parsed = TimeframeSchema.safeParse(value.trim());
  if (!parsed.success)
    throw new UserError(`${flag} '${value}' is not supported: use one of ${TIMEFRAMES.join(', ')}`);
  return parsed.data;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function tsOrNull(t: number | null): string | null {
  return t === null ? null : formatTs(t);
}

// ---------------------------------------------------------------------------------------------- import

const ImportFlags = z.object({
  symbol: z.string().min(1, '--symbol needs a symbol such as BTC').optional(),
  timeframe: z.string().optional(),
  source: z.string().optional(),
  repair: z.boolean().default(false),
  db: z.string().min(1, '--db needs a file path').optional(),
  json: z.boolean().default(false),
});

function importJson(r: FileImportReport) {
  return {
    ...r,
    firstTs: tsOrNull(r.firstTs),
    lastTs: tsOrNull(r.lastTs),
    gaps: r.gaps.map((g) => ({ from: formatTs(g.from), to: formatTs(g.to), missing: g.missing })),
  };
}

function registerImport(data: Command): void {
  data
    .command('import')
    .description(
      'import candle files (CSV, Parquet, Arrow IPC) or folders of them; each file is validated and stored ' +
        'in one transaction, or refused with the bad rows listed',
    )
    .argument('<path...>', 'files or folders (.csv, .csv.gz, .parquet, .arrow/.feather)')
    .option(
      '--symbol <S>',
      'symbol for every file (default: from file metadata or name, e.g. BTCUSDT_1h.csv)',
    )
    .option('--timeframe <TF>', `timeframe (${TIMEFRAMES.join('|')}; default: file name, else bar spacing)`)
    .option('--source <SRC>', `${SOURCE_HELP}; default: file metadata or folder name`)
    .option(
      '--repair',
      'drop duplicate/unusable rows and sort instead of refusing the file; prints what it did',
    )
    .option('--db <FILE>', DB_HELP)
    .option('--json', 'print a machine-readable summary')
    .addHelpText(
      'after',
      '\nChecks: unparseable or non-finite values, high < low, open/close outside [low, high], negative volume,\n' +
        'times off the timeframe grid, duplicate and out-of-order times. Gaps are reported, never filled.\n' +
        'Examples:\n  smc data import ../shared/data/binance-usdm-perp\n' +
        '  smc data import klines.csv --symbol BTC --timeframe 15m --source binance-spot --repair',
    )
    .action(
      action(async (paths: string[], raw: Record<string, unknown>) => {
        const flags = parseOptions(ImportFlags, raw);
        const opts = {
          symbol: flags.symbol,
          timeframe: timeframeFlag('--timeframe', flags.timeframe),
          source: flags.source === undefined ? undefined : parseSource(flags.source),
          repair: flags.repair,
        };
        if (opts.symbol !== undefined) canonicalSymbol(opts.symbol);
        const files = expandImportPaths(paths);
        const sizes = files.map((f) => statSync(f).size);
        const total = sizes.reduce((a, b) => a + b, 0);
        const store = await CandleStore.open(flags.db ?? defaultDbPath());
        const progress = createProgress({ json: flags.json });
        let before = 0;
        progress.start(total, 'import');
        let outcome: Awaited<ReturnType<typeof importCandlePaths>>;
        try {
          outcome = await importCandlePaths(
            store,
            files,
            { ...opts, onBytes: (b) => progress.update(before + b) },
            (_path, i) => {
              before = sizes.slice(0, i).reduce((a, b) => a + b, 0);
              progress.update(before);
            },
          );
          progress.update(total);
        } finally {
          progress.stop();
          await store.close();
        }
        if (flags.json) {
          printJson({ db: store.path, imported: outcome.imported.map(importJson), failed: outcome.failed });
        } else {
          for (const r of outcome.imported) {
            print(
              `${r.path}: ${r.source} ${r.symbol} ${r.timeframe} ${n(r.rowsStored)} rows ` +
                `(${n(r.inserted)} new, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged) ` +
                `${tsOrNull(r.firstTs)} … ${tsOrNull(r.lastTs)}, ${r.gaps.length} gap(s)`,
            );
            for (const g of r.gaps.slice(0, 5)) print(`  gap ${formatGap(g)}`);
            if (r.gaps.length > 5) print(`  … and ${r.gaps.length - 5} more gap(s)`);
            for (const a of r.repairs) print(`  repaired: ${a}`);
          }
        }
        if (outcome.failed.length > 0) {
          const first = outcome.failed[0];
          if (files.length === 1) throw new UserError(first.error, first.details);
          throw new UserError(
            `${outcome.failed.length} of ${files.length} file(s) refused, the others were imported: ${first.error}`,
            outcome.failed.flatMap((f) => [`${f.path}: ${f.error}`, ...f.details.map((d) => `  ${d}`)]),
          );
        }
      }),
    );
}

// ------------------------------------------------------------------------------------------------ list

const DbFlags = z.object({
  db: z.string().min(1, '--db needs a file path').optional(),
  json: z.boolean().default(false),
});

function summaryJson(s: SeriesSummary) {
  return { ...s, first: formatTs(s.firstTs), last: formatTs(s.lastTs) };
}

function registerList(data: Command): void {
  data
    .command('list')
    .description('list the stored series: source, symbol, timeframe, rows, first and last bar (UTC)')
    .option('--db <FILE>', DB_HELP)
    .option('--json', 'print a machine-readable summary')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const flags = parseOptions(DbFlags, raw);
        const store = await CandleStore.open(flags.db ?? defaultDbPath(), { readOnly: true });
        let rows: SeriesSummary[];
        try {
          rows = await store.list();
        } finally {
          await store.close();
        }
        if (flags.json) {
          printJson(rows.map(summaryJson));
          return;
        }
        if (rows.length === 0) {
          print('the store is empty: smc data import <files> or smc demo');
          return;
        }
        print(formatSummaryTable(rows));
      }),
    );
}

/** The store summary as an aligned text table (also used by `smc demo`). */
export function formatSummaryTable(rows: readonly SeriesSummary[]): string {
  const table = [
    ['source', 'symbol', 'tf', 'rows', 'first (UTC)', 'last (UTC)'],
    ...rows.map((s) => [s.source, s.symbol, s.timeframe, n(s.rows), formatTs(s.firstTs), formatTs(s.lastTs)]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table
    .map((r) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------- export

const ExportFlags = z.object({
  symbol: z.string({ error: '--symbol is required' }).min(1, '--symbol needs a symbol such as BTC'),
  timeframe: z.string({ error: '--timeframe is required' }),
  source: z.string().optional(),
  format: z.enum(['csv', 'parquet', 'arrow'], { error: '--format must be csv, parquet or arrow' }).optional(),
  out: z.string({ error: '--out is required' }).min(1, '--out needs a file path'),
  from: z.string().optional(),
  to: z.string().optional(),
  csvTs: z.enum(['iso', 'ms'], { error: '--csv-ts must be iso or ms' }).default('iso'),
  db: z.string().min(1, '--db needs a file path').optional(),
  json: z.boolean().default(false),
});

/** The one source holding symbol at timeframe, or a UserError asking for --source. */
function pickSource(list: readonly SeriesSummary[], symbol: string, timeframe: Timeframe): string {
  const sources = list.filter((s) => s.symbol === symbol && s.timeframe === timeframe).map((s) => s.source);
  if (sources.length === 1) return sources[0];
  if (sources.length === 0) {
    throw new UserError(`no ${symbol} ${timeframe} candles in the store: check smc data list`);
  }
  throw new UserError(
    `${symbol} ${timeframe} is stored from several sources (${sources.join(', ')}): pass --source`,
  );
}

function registerExport(data: Command): void {
  data
    .command('export')
    .description('write one stored series to CSV, Parquet or Arrow IPC (re-importable bit for bit)')
    .requiredOption('--symbol <S>', 'symbol, e.g. BTC')
    .requiredOption('--timeframe <TF>', `timeframe (${TIMEFRAMES.join('|')})`)
    .option('--source <SRC>', `${SOURCE_HELP}; default: the only source holding the series`)
    .option('--format <FMT>', 'csv|parquet|arrow (default: from the --out extension)')
    .requiredOption('--out <FILE>', 'file to write (overwritten)')
    .option('--from <DATE>', 'first bar open time, inclusive (YYYY-MM-DD, ISO time or epoch ms)')
    .option('--to <DATE>', 'end of the range, exclusive')
    .option('--csv-ts <FMT>', 'CSV time column: iso (default) or ms', 'iso')
    .option('--db <FILE>', DB_HELP)
    .option('--json', 'print a machine-readable summary')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const flags = parseOptions(ExportFlags, raw);
        const timeframe = timeframeFlag('--timeframe', flags.timeframe) as Timeframe;
        const symbol = canonicalSymbol(flags.symbol);
        const from = flags.from === undefined ? undefined : parseDate('--from', flags.from);
        const to = flags.to === undefined ? undefined : parseDate('--to', flags.to);
        if (from !== undefined && to !== undefined && from >= to)
          throw new UserError('--from must be before --to');
        const store = await CandleStore.open(flags.db ?? defaultDbPath(), { readOnly: true });
        try {
          const source =
            flags.source === undefined
              ? pickSource(await store.list(), symbol, timeframe)
              : parseSource(flags.source);
          const report = await exportCandles(store, { source, symbol, timeframe }, flags.out, {
            format: flags.format,
            range: { from, to },
            csvTs: flags.csvTs,
          });
          if (flags.json) {
            printJson({ ...report, firstTs: tsOrNull(report.firstTs), lastTs: tsOrNull(report.lastTs) });
          } else {
            print(
              `${report.path}: ${report.format}, ${report.source} ${report.symbol} ${report.timeframe} ` +
                `${n(report.rows)} rows ${tsOrNull(report.firstTs)} … ${tsOrNull(report.lastTs)}`,
            );
          }
        } finally {
          await store.close();
        }
      }),
    );
}

// -------------------------------------------------------------------------------------- check-resample

const CheckFlags = z.object({
  symbol: z.string({ error: '--symbol is required' }).min(1, '--symbol needs a symbol such as BTC'),
  source: z.string().optional(),
  base: z.string().optional(),
  targets: z.string().optional(),
  tolerance: z.coerce
    .number({ error: '--tolerance must be a number such as 1e-9' })
    .min(0, '--tolerance must be ≥ 0')
    .default(1e-9),
  policy: z.enum(['closed', 'full'], { error: '--policy must be closed or full' }).default('closed'),
  failOnDiff: z.boolean().default(false),
  db: z.string().min(1, '--db needs a file path').optional(),
  json: z.boolean().default(false),
});

function registerCheckResample(data: Command): void {
  data
    .command('check-resample')
    .description(
      'resample the stored base series of a symbol (e.g. 1h) to each higher stored timeframe (4h, 1d) of the ' +
        'same source and compare bar by bar with the imported bars; lists every differing bar',
    )
    .requiredOption('--symbol <S>', 'symbol, e.g. BTC')
    .option('--source <SRC>', `${SOURCE_HELP}; default: the only source with two timeframes of the symbol`)
    .option('--base <TF>', 'base timeframe to resample from (default: the shortest stored)')
    .option('--targets <TFS>', 'comma-separated timeframes to check (default: every longer stored one)')
    .option('--tolerance <REL>', 'relative tolerance for equal values (volume sums round)', '1e-9')
    .option('--policy <P>', 'closed (default: partial buckets whose time has passed count) | full', 'closed')
    .option('--fail-on-diff', 'exit with code 1 when any bar differs')
    .option('--db <FILE>', DB_HELP)
    .option('--json', 'print a machine-readable summary')
    .addHelpText(
      'after',
      '\nExample: smc data check-resample --symbol BTC --source binance-usdm-perp\n' +
        'The publisher files of the bundled sample agree on open/high/low everywhere and differ on 1–3 bars per\n' +
        'symbol in close or volume; those bars are listed, not hidden.',
    )
    .action(
      action(async (raw: Record<string, unknown>) => {
        const flags = parseOptions(CheckFlags, raw);
        const targets = flags.targets
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean)
          .map((t) => timeframeFlag('--targets', t) as Timeframe);
        const store = await CandleStore.open(flags.db ?? defaultDbPath(), { readOnly: true });
        let check: Awaited<ReturnType<typeof checkResample>>;
        try {
          check = await checkResample(store, {
            symbol: flags.symbol,
            source: flags.source === undefined ? undefined : parseSource(flags.source),
            base: timeframeFlag('--base', flags.base),
            targets,
            relTol: flags.tolerance,
            policy: flags.policy,
          });
        } finally {
          await store.close();
        }
        const differing = check.results.reduce(
          (a, r) => a + r.differingBars + r.onlyOurs.length + r.onlyTheirs.length,
          0,
        );
        if (flags.json) {
          printJson({
            ...check,
            results: check.results.map((r) => ({
              ...r,
              differences: r.differences.map((d) => ({ ...d, time: formatTs(d.ts) })),
              onlyOurs: r.onlyOurs.map(formatTs),
              onlyTheirs: r.onlyTheirs.map(formatTs),
            })),
          });
        } else {
          for (const r of check.results) {
            const byField = Object.entries(r.differingByField)
              .filter(([, c]) => c > 0)
              .map(([f, c]) => `${f} ${c}`)
              .join(', ');
            print(
              `${check.source} ${check.symbol} ${check.base} → ${r.timeframe}: ${n(r.compared)} bars compared, ` +
                `${n(r.matching)} match, ${n(r.differingBars)} differ${byField ? ` (${byField})` : ''}; ` +
                `only resampled ${r.onlyOurs.length}, only imported ${r.onlyTheirs.length}`,
            );
            for (const d of r.differences) {
              print(
                `  ${formatTs(d.ts)} ${d.field.padEnd(6)} ours ${d.ours}  theirs ${d.theirs}  Δ ${d.ours - d.theirs}`,
              );
            }
            for (const t of r.onlyOurs.slice(0, 20)) print(`  ${formatTs(t)} only in the resampled series`);
            for (const t of r.onlyTheirs.slice(0, 20)) print(`  ${formatTs(t)} only in the imported series`);
          }
        }
        if (flags.failOnDiff && differing > 0) {
          process.exitCode = 1;
          process.stderr.write(`smc: ${differing} bar(s) differ between resampled and imported candles\n`);
        }
      }),
    );
}
