import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import { CandleStore, type SeriesSummary } from '../../data/store/candle-store.ts';
import { canonicalSymbol } from '../../data/symbols/symbols.ts';
import type { Timeframe } from '../../data/timeframes.ts';
import {
  DEFAULT_STRATEGY_CONFIG,
  type StrategyConfig,
  strategySectionOf,
} from '../../strategies/smc/config.ts';
import { formatFunnelTable, funnelAddsUp } from '../../strategies/smc/funnel.ts';
import { scanFunnel, warmupStart } from '../../strategies/smc/scan.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { createProgress } from '../progress.ts';
import { action, formatZodError } from '../run-action.ts';

interface ScanFlags extends RawScopeOptions {
  config?: string;
  source?: string;
}

/** Reads `--config FILE` (YAML) and validates its `strategy:` section; defaults without a file. */
export function loadStrategyConfig(path: string | undefined): StrategyConfig {
  if (path === undefined) return DEFAULT_STRATEGY_CONFIG;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--config '${path}' cannot be read (${(err as Error).message}): give an existing YAML file`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(`--config '${path}' is not valid YAML: ${(err as Error).message}`);
  }
  try {
    return strategySectionOf(doc);
  } catch (err) {
    if (err instanceof ZodError) throw new UserError(`--config '${path}': ${formatZodError(err)}`);
    throw err;
  }
}

const BASES: readonly Timeframe[] = ['15m', '1h'];

/** The series to scan: one (source, symbol) per symbol, on the requested or shortest base timeframe. */
function pickSeries(
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
      `the store holds no ${bases.join(' or ')} candles${source ? ` from source ${source}` : ''}: import some first (smc data import)`,
    );
  }
  return wanted.map((symbol) => {
    const mine = candidates.filter((s) => s.symbol === symbol);
    if (mine.length === 0) {
      throw new UserError(
        `no ${bases.join(' or ')} candles of ${symbol}${source ? ` from source ${source}` : ''} in the store: ` +
          'check --symbols, --timeframe and --source against `smc data list`',
      );
    }
    const shortest = bases.find((tf) => mine.some((s) => s.timeframe === tf)) ?? bases[0];
    const onTf = mine.filter((s) => s.timeframe === shortest);
    if (onTf.length > 1) {
      throw new UserError(
        `${symbol} ${shortest} is stored from several sources (${onTf.map((s) => s.source).join(', ')}): choose one with --source`,
      );
    }
    return onTf[0];
  });
}

export function register(program: Command): void {
  program
    .command('scan')
    .description(
      'run the SMC decision pipeline over stored candles and print the gate funnel: how many candidate ' +
        'decisions each gate rejected and how many became signals, per symbol and in total (1h/4h/1d are ' +
        'resampled from the base timeframe)',
    )
    .option(
      '--config <file>',
      'YAML config; its strategy: section sets the gate variant (defaults: the seed)',
    )
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', `${TIMEFRAME_HELP}; default the shortest of 15m, 1h stored per symbol`)
    .option('--from <date>', 'first decision time counted (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'decisions before this time are counted')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--json', 'print the funnel as JSON')
    .action(
      action(async (flags: ScanFlags) => {
        const scope = parseCandleScope(flags);
        if (scope.timeframe !== undefined && !BASES.includes(scope.timeframe)) {
          throw new UserError(
            `--timeframe ${scope.timeframe} cannot be the SMC base timeframe: use 15m or 1h (higher ones are resampled from it)`,
          );
        }
        const config = loadStrategyConfig(flags.config);
        const store = await CandleStore.open(scope.db, { readOnly: true });
        const progress = createProgress({ json: scope.json });
        const bases: CandleSeries[] = [];
        try {
          const picked = pickSeries(await store.list(), scope.symbols, scope.timeframe, flags.source);
          progress.start(picked.length, 'loading');
          for (const [k, s] of picked.entries()) {
            const from = scope.from === undefined ? undefined : warmupStart(scope.from, s.timeframe, config);
            bases.push(await store.read(s, { from, to: scope.to }));
            progress.update(k + 1);
          }
        } finally {
          progress.stop();
          await store.close();
        }
        const { funnel } = scanFunnel(bases, config, { from: scope.from, to: scope.to });
        if (!funnelAddsUp(funnel.total)) {
          throw new Error('funnel does not add up (candidates ≠ rejections + signals): please report this');
        }
        if (scope.json) {
          const series = bases.map((b) => ({
            source: b.source,
            symbol: b.symbol,
            timeframe: b.timeframe,
            bars: b.length,
          }));
          process.stdout.write(
            `${JSON.stringify({ config: { strategy: config }, series, funnel }, null, 2)}\n`,
          );
          return;
        }
        const tfs = [...new Set(bases.map((b) => b.timeframe))].join(', ');
        process.stdout.write(
          `SMC gate funnel (base ${tfs}; decision structure ${config.structure.timeframe}` +
            `${config.structure.accept_1h_fallback ? ' + 1h fallback' : ''}; OTE ` +
            `${config.ote.enabled ? `${config.ote.zone_low}–${config.ote.zone_high} ±${config.ote.tolerance}` : 'off'}; ` +
            `regimes ${config.regimes.allowed.join(',')}; score ≥ ${config.score.threshold})\n\n`,
        );
        process.stdout.write(`${formatFunnelTable(funnel)}\n`);
      }),
    );
}
