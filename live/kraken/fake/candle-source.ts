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

/**
 * The source as the venue shows it at `now()`, with no lookahead. Closed bars are served as they are. The
 * forming bar (open ≤ now < close) is served the way Kraken's charts API serves the current candle —
 * partially formed — as far as the replayed data can know it: its open, then every bar of the finest
 * timeframe the source holds for the symbol that has closed by now (highs, lows, the last close, summed
 * volume), and that finer timeframe's own forming bar as its open, the latest price. With no finer data
 * the forming bar is its open alone: open = high = low = close, volume 0. Its final values, which the
 * source knows, are never shown before it closes (session-1 bug: a replay served them, a lookahead for
 * anything reading the current candle or a ticker). Bars opening after `now` are never served.
 */
export function clockedCandleSource(source: CandleSource, now: () => number): CandleSource {
  let byFineness: Promise<Map<string, Timeframe[]>> | null = null;
  const timeframesOf = async (symbol: string) => {
    byFineness ??= source.markets().then((ms) => {
      const out = new Map<string, Timeframe[]>();
      for (const m of ms) out.set(m.symbol, [...(out.get(m.symbol) ?? []), m.timeframe]);
      for (const tfs of out.values()) tfs.sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b]);
      return out;
    });
    return (await byFineness).get(canonicalSymbol(symbol)) ?? [];
  };
  return {
    markets: () => source.markets(),
    async read(symbol, timeframe, from, to) {
      const t = now();
      const s = await source.read(symbol, timeframe, from, to);
      const n = lowerBound(s.ts, t + 1); // bars opened by now
      if (n === 0) return sliceSeries(s, 0, 0);
      const i = n - 1;
      const open = s.ts[i];
      if (open + TIMEFRAME_MS[timeframe] <= t) return n === s.length ? s : sliceSeries(s, 0, n);
      // the forming bar: a copy, so the source's arrays keep their final values
      const out = allocateSeries({ source: s.source, symbol: s.symbol, timeframe: s.timeframe }, n);
      for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
        out[k].set(s[k].subarray(0, n));
      }
      let high = s.open[i];
      let low = high;
      let close = high;
      let volume = 0;
      const finest = (await timeframesOf(symbol))[0];
      if (finest !== undefined && TIMEFRAME_MS[finest] < TIMEFRAME_MS[timeframe]) {
        const fine = await source.read(symbol, finest, open, t);
        const span = TIMEFRAME_MS[finest];
        for (let j = 0; j < fine.length; j++) {
          if (fine.ts[j] < open || fine.ts[j] > t) continue;
          if (fine.ts[j] + span <= t) {
            high = Math.max(high, fine.high[j]);
            low = Math.min(low, fine.low[j]);
            close = fine.close[j];
            volume += fine.volume[j];
          } else {
            close = fine.open[j];
            high = Math.max(high, close);
            low = Math.min(low, close);
          }
        }
      }
      out.high[i] = high;
      out.low[i] = low;
      out.close[i] = close;
      out.volume[i] = volume;
      return out;
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
