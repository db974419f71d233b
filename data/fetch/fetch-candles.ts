import { allocateSeries, type CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { canonicalSymbol, toCcxtSymbol } from '../symbols/symbols.ts';
import { alignDown, TIMEFRAME_MS, type Timeframe } from '../timeframes.ts';
import { isRetryableExchangeError } from './kraken-client.ts';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.ts';
import { KRAKEN_FUTURES_OHLCV_LIMIT, KRAKEN_FUTURES_SOURCE } from './venue-limits.ts';

type MaybePromise<T> = T | Promise<T>;

/** The part of a ccxt exchange the download uses (the krakenfutures client satisfies it). */
export interface OhlcvClient {
  loadMarkets(): Promise<unknown>;
  readonly markets: Readonly<Record<string, unknown>> | undefined;
  fetchOHLCV(
    symbol: string,
    timeframe?: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<ReadonlyArray<ReadonlyArray<number | undefined>>>;
}

/** The part of the candle store (data/store/candle-store.ts) the download writes to. */
export interface CandleSink {
  /** Open time of the newest stored bar, or null/undefined when there is none. */
  lastTs(key: {
    source: string;
    symbol: string;
    timeframe: Timeframe;
  }): MaybePromise<number | null | undefined>;
  /** Idempotent insert-or-replace keyed by (source, symbol, timeframe, ts). */
  upsert(series: CandleSeries): MaybePromise<unknown>;
}

/** Same shape as the engine's Logger (info/warn with an object first), so pino or a recorder fits. */
export interface FetchLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FetchProgress {
  symbol: string;
  symbolIndex: number;
  symbols: number;
  /** Bars of this symbol's range walked so far (stored or found missing at the venue). */
  barsDone: number;
  barsTotal: number;
  rowsStored: number;
}

export interface FetchCandlesOptions {
  exchange: OhlcvClient;
  store: CandleSink;
  /** Any symbol form; stored canonical. */
  symbols: readonly string[];
  timeframe: Timeframe;
  /** First bar to fetch: open time ≥ since (UTC ms). */
  since: number;
  /** Stop before this open time (UTC ms, exclusive). Default: up to the last closed bar. */
  until?: number;
  /** The current time; only bars closed by then are stored. Default: the wall clock. */
  now?: () => number;
  /** Ignore what the store already holds and fetch the whole range again (upserts are idempotent). */
  full?: boolean;
  /** Candles per request; at most the venue's limit. */
  pageLimit?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  source?: string;
  onProgress?: (p: FetchProgress) => void;
  log?: FetchLogger;
}

export interface SymbolFetchSummary {
  symbol: string;
  ccxtSymbol: string;
  /** Where this run started (a resume starts after the last stored bar). */
  fromTs: number;
  /** The stored bar this run resumed after, or null for a fresh range. */
  resumedAfter: number | null;
  /** Exclusive end of the range walked: min(until, open time of the forming bar). */
  endTs: number;
  rowsStored: number;
  pages: number;
  retries: number;
  /** Open time of the newest bar stored by this run, or null when nothing new was stored. */
  lastStoredTs: number | null;
}

export interface FetchCandlesResult {
  source: string;
  timeframe: Timeframe;
  symbols: SymbolFetchSummary[];
  rowsStored: number;
  pages: number;
  retries: number;
}

const quiet: FetchLogger = { info() {}, warn() {} };

/**
 * A download that stopped partway (retries exhausted, a bad page, the store refused a write). Every page
 * stored before the failure stays stored; `partial` says how far it got, and a rerun resumes from there.
 */
export class FetchInterruptedError extends Error {
  readonly partial: FetchCandlesResult;
  constructor(message: string, partial: FetchCandlesResult, cause: unknown) {
    super(message, { cause });
    this.name = 'FetchInterruptedError';
    this.partial = partial;
  }
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * Downloads closed candles from the venue into the store with ccxt `fetchOHLCV`: page by page (at most
 * the venue's per-request limit), resuming after the last stored bar, upserting each page as it arrives
 * (a kill midway keeps every page already fetched), retrying network/5xx failures with exponential
 * backoff (bounded, logged) and never storing the still-forming bar. A page with an invalid row aborts
 * the download rather than storing it.
 */
export async function fetchCandles(opts: FetchCandlesOptions): Promise<FetchCandlesResult> {
  const source = opts.source ?? KRAKEN_FUTURES_SOURCE;
  const log = opts.log ?? quiet;
  const tf = opts.timeframe;
  const tfMs = TIMEFRAME_MS[tf];
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const limit = Math.min(opts.pageLimit ?? KRAKEN_FUTURES_OHLCV_LIMIT, KRAKEN_FUTURES_OHLCV_LIMIT);
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new UserError(
      `page limit ${opts.pageLimit} is invalid: use a whole number from 1 to ${KRAKEN_FUTURES_OHLCV_LIMIT}`,
    );
  }
  const symbols = [...new Set(opts.symbols.map(canonicalSymbol))];
  if (symbols.length === 0) throw new UserError('--symbols is empty: give at least one symbol, e.g. BTC');
  const now = (opts.now ?? Date.now)();
  const formingOpen = alignDown(now, tf);
  const end = Math.min(opts.until ?? Number.POSITIVE_INFINITY, formingOpen);
  const start = Math.ceil(opts.since / tfMs) * tfMs;
  if (!(start < end)) {
    throw new UserError(
      `nothing to fetch: --since ${iso(opts.since)} is not before ${opts.until !== undefined && opts.until < formingOpen ? `--until ${iso(opts.until)}` : `the last closed ${tf} bar (${iso(formingOpen)})`}`,
    );
  }

  let retries = 0;
  const call = <T>(what: () => string, fn: () => Promise<T>) =>
    withRetry(
      fn,
      policy,
      {
        isRetryable: isRetryableExchangeError,
        sleep: opts.sleep,
        onRetry: ({ attempt, delayMs, error }) => {
          retries++;
          log.warn(
            {
              attempt,
              max_attempts: policy.maxAttempts,
              delay_ms: delayMs,
              error: error instanceof Error ? error.message : String(error),
            },
            `FETCH_RETRY ${what()}`,
          );
        },
      },
      what,
    );

  await call(
    () => 'loadMarkets',
    () => opts.exchange.loadMarkets(),
  );

  const result: FetchCandlesResult = {
    source,
    timeframe: tf,
    symbols: [],
    rowsStored: 0,
    pages: 0,
    retries: 0,
  };
  for (const [index, symbol] of symbols.entries()) {
    const ccxtSymbol = toCcxtSymbol(symbol);
    if (!opts.exchange.markets?.[ccxtSymbol]) {
      throw new UserError(
        `symbol '${symbol}' is not listed on the exchange (no market ${ccxtSymbol}): check --symbols`,
      );
    }
    const key = { source, symbol, timeframe: tf };
    const last = opts.full ? null : ((await opts.store.lastTs(key)) ?? null);
    const resumed = last !== null && last >= start;
    let cursor = resumed ? last + tfMs : start;
    const summary: SymbolFetchSummary = {
      symbol,
      ccxtSymbol,
      fromTs: cursor,
      resumedAfter: resumed ? last : null,
      endTs: end,
      rowsStored: 0,
      pages: 0,
      retries: 0,
      lastStoredTs: null,
    };
    const retriesBefore = retries;
    const barsTotal = Math.max(0, Math.ceil((end - start) / tfMs));
    const progress = () =>
      opts.onProgress?.({
        symbol,
        symbolIndex: index,
        symbols: symbols.length,
        barsDone: Math.min(barsTotal, Math.max(0, Math.ceil((cursor - start) / tfMs))),
        barsTotal,
        rowsStored: summary.rowsStored,
      });
    if (resumed) log.info({ symbol, last_stored: iso(last), from: iso(cursor) }, `FETCH_RESUME ${symbol}`);
    progress();

    try {
      while (cursor < end) {
        const from = cursor;
        const page = await call(
          () => `fetchOHLCV ${ccxtSymbol} ${tf} from ${iso(from)}`,
          () => opts.exchange.fetchOHLCV(ccxtSymbol, tf, from, limit),
        );
        summary.pages++;
        const series = pageToSeries(page, { source, symbol, timeframe: tf }, from, end);
        if (series.length === 0) {
          // Nothing in this window (before listing, or a venue outage): step over the window ccxt asked for.
          cursor = from + limit * tfMs;
        } else {
          await opts.store.upsert(series);
          summary.rowsStored += series.length;
          summary.lastStoredTs = series.ts[series.length - 1];
          cursor = summary.lastStoredTs + tfMs;
        }
        progress();
      }
    } catch (err) {
      summary.retries = retries - retriesBefore;
      result.symbols.push(summary);
      result.rowsStored += summary.rowsStored;
      result.pages += summary.pages;
      result.retries = retries;
      const msg = err instanceof Error ? err.message : String(err);
      log.warn({ symbol, rows: summary.rowsStored, error: msg }, `FETCH_INTERRUPTED ${symbol}`);
      throw new FetchInterruptedError(
        `${msg} — ${result.rowsStored} new rows were stored before it stopped; rerun the same command to resume`,
        result,
        err,
      );
    }
    summary.retries = retries - retriesBefore;
    log.info(
      { symbol, rows: summary.rowsStored, pages: summary.pages, retries: summary.retries },
      `FETCH_DONE ${symbol}`,
    );
    result.symbols.push(summary);
    result.rowsStored += summary.rowsStored;
    result.pages += summary.pages;
  }
  result.retries = retries;
  return result;
}

/**
 * The rows of one ccxt page inside [from, end), as a series. Refuses rows that are not finite, not on the
 * timeframe grid, out of order or inconsistent (high < low): a venue glitch must not reach the store.
 */
export function pageToSeries(
  page: ReadonlyArray<ReadonlyArray<number | undefined>>,
  id: { source: string; symbol: string; timeframe: Timeframe },
  from: number,
  end: number,
): CandleSeries {
  const tfMs = TIMEFRAME_MS[id.timeframe];
  const rows = page.filter((r) => typeof r[0] === 'number' && r[0] >= from && r[0] < end);
  const s = allocateSeries(id, rows.length);
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const [t, o, h, l, c, v] = rows[i];
    const bad = (why: string) =>
      new Error(
        `exchange returned an invalid ${id.symbol} ${id.timeframe} candle at ${iso(Number(t))}: ${why}`,
      );
    if (typeof t !== 'number' || t % tfMs !== 0) throw bad(`time ${t} is not on the ${id.timeframe} grid`);
    if (t <= prev) throw bad('times are not strictly increasing');
    const vals = [o, h, l, c];
    if (!vals.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw bad(`non-finite price in ${JSON.stringify(rows[i])}`);
    const [op, hi, lo, cl] = vals as number[];
    if (hi < lo || hi < Math.max(op, cl) || lo > Math.min(op, cl))
      throw bad(`high/low inconsistent: ${JSON.stringify(rows[i])}`);
    const vol = v ?? 0;
    if (!Number.isFinite(vol) || vol < 0) throw bad(`volume ${v}`);
    s.ts[i] = t;
    s.open[i] = op;
    s.high[i] = hi;
    s.low[i] = lo;
    s.close[i] = cl;
    s.volume[i] = vol;
    prev = t;
  }
  return s;
}
