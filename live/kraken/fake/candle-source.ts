import { allocateSeries, type CandleSeries, lowerBound, sliceSeries } from '../../../data/candles/series.ts';
import { canonicalSymbol } from '../../../data/symbols/symbols.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../../data/timeframes.ts';

/**
 * Where the fake exchange gets its candles: the candle store (a replay of real or fetched data) or
 * in-memory series (tests, scripted price paths). Symbols are canonical (`BTC`).
 */
export interface CandleSource {
  /** Every (symbol, timeframe) the source can serve. */
  markets(): Promise<Array<{ symbol: string; timeframe: Timeframe }>>;
  /** Bars with open time in [from, to] (both inclusive, UTC ms), ascending. */
  read(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<CandleSeries>;
}

function emptySeries(source: string, symbol: string, timeframe: Timeframe): CandleSeries {
  return allocateSeries({ source, symbol, timeframe }, 0);
}

/** Rows of `s` with open time in [from, to]. A view, not a copy. */
export function windowOf(s: CandleSeries, from: number, to: number): CandleSeries {
  return sliceSeries(s, lowerBound(s.ts, from), lowerBound(s.ts, to + 1));
}

/** A source over series held in memory (one per symbol and timeframe). */
export function memoryCandleSource(series: readonly CandleSeries[]): CandleSource {
  const byKey = new Map<string, CandleSeries>();
  for (const s of series) byKey.set(`${canonicalSymbol(s.symbol)}|${s.timeframe}`, s);
  return {
    async markets() {
      return series.map((s) => ({ symbol: canonicalSymbol(s.symbol), timeframe: s.timeframe }));
    },
    async read(symbol, timeframe, from, to) {
      const s = byKey.get(`${canonicalSymbol(symbol)}|${timeframe}`);
      return s ? windowOf(s, from, to) : emptySeries('memory', symbol, timeframe);
    },
  };
}

type MaybePromise<T> = T | Promise<T>;

/**
 * The part of the candle store (data/store/candle-store.ts) the fake reads. Declared structurally so the
 * fake does not depend on how the store is opened; `read`'s `to` may be inclusive or exclusive — the
 * adapter asks for one bar more and trims.
 */
export interface CandleStoreReader {
  list(): MaybePromise<ReadonlyArray<{ source: string; symbol: string; timeframe: Timeframe }>>;
  read(
    key: { source: string; symbol: string; timeframe: Timeframe },
    range: { from?: number; to?: number },
  ): MaybePromise<CandleSeries>;
}

/** Store sources the fake prefers when none is named: the venue's own, then real perpetuals, then synthetic. */
export const DEFAULT_SOURCE_PREFERENCE = ['krakenfutures', 'binance-usdm-perp', 'synthetic'] as const;

/**
 * A source over the candle store. `source` names the store source to serve (e.g. `krakenfutures`); a list
 * is an order of preference per symbol and timeframe. Without it, {@link DEFAULT_SOURCE_PREFERENCE} is
 * tried and then any other source — except spot ones, which are a different market than a perpetual.
 */
export function storeCandleSource(
  store: CandleStoreReader,
  source?: string | readonly string[],
): CandleSource {
  const explicit = source !== undefined;
  const prefs: readonly string[] =
    typeof source === 'string' ? [source] : (source ?? DEFAULT_SOURCE_PREFERENCE);
  const rank = (src: string) => {
    const i = prefs.indexOf(src);
    if (i >= 0) return i;
    if (explicit || src.includes('spot')) return -1;
    return prefs.length;
  };
  const resolve = async () => {
    const seen = new Map<string, { source: string; symbol: string; timeframe: Timeframe }>();
    for (const e of await store.list()) {
      const r = rank(e.source);
      if (r < 0) continue;
      const key = `${canonicalSymbol(e.symbol)}|${e.timeframe}`;
      const cur = seen.get(key);
      if (!cur || r < rank(cur.source)) seen.set(key, e);
    }
    return seen;
  };
  let cache: Promise<Map<string, { source: string; symbol: string; timeframe: Timeframe }>> | null = null;
  const entries = () => {
    cache ??= resolve();
    return cache;
  };
  return {
    async markets() {
      return [...(await entries()).values()].map((e) => ({
        symbol: canonicalSymbol(e.symbol),
        timeframe: e.timeframe,
      }));
    },
    async read(symbol, timeframe, from, to) {
      const e = (await entries()).get(`${canonicalSymbol(symbol)}|${timeframe}`);
      if (!e) return emptySeries(prefs[0] ?? 'store', symbol, timeframe);
      const s = await store.read(e, { from, to: to + TIMEFRAME_MS[timeframe] });
      return windowOf(s, from, to);
    },
  };
}
