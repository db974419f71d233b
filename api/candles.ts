import type { CandleSeries } from '../data/candles/series.ts';
import { UserError } from '../data/errors.ts';
import { CandleStore, type SeriesSummary } from '../data/store/candle-store.ts';
import { canonicalSymbol } from '../data/symbols/symbols.ts';
import type { Timeframe } from '../data/timeframes.ts';
import type { BacktestFeed } from '../engine/backtest/feed.ts';
import type { CandlesByTimeframe } from '../strategies/strategy.ts';

/**
 * Which candles a workflow runs on, and loading them from the store: one base-timeframe series per symbol,
 * with warm-up history before `from` so indicators are ready at the first traded bar.
 */
export interface CandleQuery {
  /** DuckDB file of the candle store. */
  readonly db: string;
  /** Symbols in any form (`BTC`, `BTC/USD:USD`, `PF_XBTUSD`); default every symbol stored on the base. */
  readonly symbols?: readonly string[];
  /** Base timeframe; default the shortest of 15m, 1h stored for every symbol. */
  readonly timeframe?: Timeframe;
  /** First traded bar (UTC ms); earlier bars are loaded for warm-up only. */
  readonly from?: number;
  /** End of the data (UTC ms, exclusive). */
  readonly to?: number;
  /** Candle source, when a symbol is stored from several. */
  readonly source?: string;
}

/** Base timeframes a run may trade on, shortest first. */
export const BASE_TIMEFRAMES: readonly Timeframe[] = ['15m', '1h'];

/** Opens the candle store at `db` (`readOnly` refuses a missing file instead of creating it). */
export function openStore(db: string, opts: { readOnly?: boolean } = {}): Promise<CandleStore> {
  return CandleStore.open(db, opts);
}

/** Runs `fn` on the store at `db` (read-only unless told otherwise) and closes it however `fn` ends. */
export async function withStore<T>(
  db: string,
  fn: (store: CandleStore) => Promise<T>,
  opts: { readOnly?: boolean } = { readOnly: true },
): Promise<T> {
  const store = await CandleStore.open(db, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** One stored series per symbol on the base timeframe (the requested one, or the shortest stored). */
export function pickBaseSeries(
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

/** The stored series a query selects ({@link pickBaseSeries} over the store's list). */
export function baseSeriesOf(query: CandleQuery): Promise<SeriesSummary[]> {
  return withStore(query.db, async (store) =>
    pickBaseSeries(await store.list(), query.symbols, query.timeframe, query.source),
  );
}

/** How much history to load before `from`, and where to allocate it. */
export interface LoadCandlesOptions {
  /**
   * History loaded before `from`, in ms — or a function of the base timeframe (the warm-up a config needs
   * depends on it). Default 0.
   */
  readonly warmup?: number | ((base: Timeframe) => number);
  /** Put the arrays in SharedArrayBuffers (the research pool hands them to workers without copying). */
  readonly shared?: boolean;
}

/**
 * The base candles of the query, one series per symbol in symbol order, from `from − warmup` to `to`.
 * Refuses a symbol with no bars in that range.
 */
export function loadCandles(query: CandleQuery, opts: LoadCandlesOptions = {}): Promise<CandleSeries[]> {
  return withStore(query.db, async (store) => {
    const picked = pickBaseSeries(await store.list(), query.symbols, query.timeframe, query.source);
    const base = picked[0].timeframe;
    const warmup = typeof opts.warmup === 'function' ? opts.warmup(base) : (opts.warmup ?? 0);
    const from = query.from === undefined ? undefined : query.from - warmup;
    const series = await store.readMany(picked, { from, to: query.to }, { shared: opts.shared ?? false });
    const empty = series.filter((s) => s.length === 0).map((s) => s.symbol);
    if (empty.length > 0) {
      throw new UserError(
        `no ${base} candles of ${empty.join(', ')} between --from and --to: widen the range`,
      );
    }
    return series;
  });
}

/**
 * The query's candles as a backtest feed: base series per symbol (higher timeframes are resampled by the
 * engine), trading from `from` with the warm-up history before it.
 */
export async function loadFeed(query: CandleQuery, opts: LoadCandlesOptions = {}): Promise<BacktestFeed> {
  const series = await loadCandles(query, opts);
  const baseTimeframe = series[0].timeframe;
  const candles: Record<string, CandlesByTimeframe> = Object.fromEntries(
    series.map((s) => [s.symbol, { [baseTimeframe]: s }]),
  );
  return { baseTimeframe, candles, ...(query.from === undefined ? {} : { tradeFrom: query.from }) };
}
