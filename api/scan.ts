import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandleSeries } from '../data/candles/series.ts';
import { UserError } from '../data/errors.ts';
import type { SeriesSummary } from '../data/store/candle-store.ts';
import { canonicalSymbol } from '../data/symbols/symbols.ts';
import type { Timeframe } from '../data/timeframes.ts';
import { writeRunReportHtml } from '../reports/report/read.ts';
import type { StrategyConfig } from '../strategies/smc/config.ts';
import type { SmcDecision } from '../strategies/smc/decision.ts';
import { type Funnel, funnelAddsUp } from '../strategies/smc/funnel.ts';
import { scanFunnel, warmupStart } from '../strategies/smc/scan.ts';
import { BASE_TIMEFRAMES, type CandleQuery, withStore } from './candles.ts';
import { type ConfigDocument, loadStrategyConfig, PACKAGE_VERSION } from './config.ts';
import type { ProgressCallback } from './progress.ts';

/**
 * The SMC decision pipeline over stored candles, counted as a gate funnel: how many candidate decisions
 * each gate rejected and how many became signals, per symbol and in total. Higher timeframes are
 * resampled from each symbol's base series.
 */
export interface ScanRunOptions extends CandleQuery {
  /** A YAML config file or config document; its `strategy:` section sets the gate variant. */
  readonly config?: string | ConfigDocument;
  /** Symbols loaded of symbols total. */
  readonly onProgress?: ProgressCallback;
  /** Checked between symbols while loading. */
  readonly signal?: AbortSignal;
  /** Run directory to write (result.json with the funnel, report.html); none by default. */
  readonly out?: string;
}

/** The scan's config, series, funnel (per symbol and in total) and signals. */
export interface ScanOutcome {
  readonly config: StrategyConfig;
  /** The base series scanned (warm-up history included). */
  readonly series: readonly CandleSeries[];
  readonly funnel: Funnel;
  /** Every LONG/SHORT decision counted, with its trace. */
  readonly signals: readonly SmcDecision[];
  /** The run directory written, when `out` was given. */
  readonly runDir?: string;
}

/** The series to scan: one (source, symbol) per symbol, on the requested or shortest base timeframe. */
export function pickScanSeries(
  stored: readonly SeriesSummary[],
  symbols: readonly string[] | undefined,
  timeframe: Timeframe | undefined,
  source: string | undefined,
): SeriesSummary[] {
  const bases = timeframe === undefined ? BASE_TIMEFRAMES : [timeframe];
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

/**
 * Loads each symbol's base series (with the warm-up before `from`) and runs the SMC pipeline over it,
 * counting decisions in [from, to). The funnel always adds up (candidates = rejections + signals).
 */
export async function scan(opts: ScanRunOptions): Promise<ScanOutcome> {
  if (opts.timeframe !== undefined && !BASE_TIMEFRAMES.includes(opts.timeframe)) {
    throw new UserError(
      `--timeframe ${opts.timeframe} cannot be the SMC base timeframe: use 15m or 1h (higher ones are resampled from it)`,
    );
  }
  const config = loadStrategyConfig(opts.config);
  const bases = await withStore(opts.db, async (store) => {
    const picked = pickScanSeries(await store.list(), opts.symbols, opts.timeframe, opts.source);
    const out: CandleSeries[] = [];
    opts.onProgress?.(0, picked.length);
    for (const [k, s] of picked.entries()) {
      opts.signal?.throwIfAborted();
      const from = opts.from === undefined ? undefined : warmupStart(opts.from, s.timeframe, config);
      out.push(await store.read(s, { from, to: opts.to }));
      opts.onProgress?.(k + 1, picked.length);
    }
    return out;
  });
  opts.signal?.throwIfAborted();
  const { funnel, signals } = scanFunnel(bases, config, { from: opts.from, to: opts.to });
  if (!funnelAddsUp(funnel.total)) {
    throw new Error('funnel does not add up (candidates ≠ rejections + signals): please report this');
  }
  if (opts.out === undefined) return { config, series: bases, funnel, signals };
  await writeScanRun(opts.out, { config, series: bases, funnel, signals }, opts);
  return { config, series: bases, funnel, signals, runDir: opts.out };
}

/**
 * Writes a scan run directory: result.json (kind 'scan': scope, series, the funnel per symbol and in
 * total, the strategy config) and report.html (the gate funnel charts), for `smc report`.
 */
export async function writeScanRun(
  dir: string,
  outcome: Omit<ScanOutcome, 'runDir'>,
  scope: Pick<CandleQuery, 'from' | 'to'> = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const result = {
    kind: 'scan',
    schema: 1,
    packageVersion: PACKAGE_VERSION,
    from: scope.from ?? null,
    to: scope.to ?? null,
    structureTimeframe: outcome.config.structure.timeframe,
    series: outcome.series.map((b) => ({
      source: b.source,
      symbol: b.symbol,
      timeframe: b.timeframe,
      bars: b.length,
    })),
    funnel: outcome.funnel,
    signals: outcome.signals.length,
    config: { strategy: outcome.config },
  };
  writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeRunReportHtml(dir);
}
