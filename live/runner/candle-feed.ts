import { allocateSeries, type CandleSeries } from '../../data/candles/series.ts';
import { KRAKEN_FUTURES_OHLCV_LIMIT, type OhlcvClient, pageToSeries } from '../../data/fetch/index.ts';
import { toCcxtSymbol } from '../../data/symbols/symbols.ts';
import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';

/**
 * Where the live runner gets candles: closed bars only. A bar with open time T on timeframe F is returned
 * once T + F ≤ `now` (SPEC §2); the forming bar never is.
 */
export interface CandleFeed {
  /** Closed bars of `symbol` on `tf` with open time ≥ `from`, up to `now`, ascending. */
  closedBars(symbol: string, tf: Timeframe, from: number, now: number): Promise<CandleSeries>;
}

/** Joins series of one identity (ascending, non-overlapping). */
export function concatSeries(
  parts: readonly CandleSeries[],
  id: { source: string; symbol: string; timeframe: Timeframe },
): CandleSeries {
  const n = parts.reduce((k, p) => k + p.length, 0);
  const out = allocateSeries(id, n);
  let o = 0;
  for (const p of parts) {
    out.ts.set(p.ts, o);
    out.open.set(p.open, o);
    out.high.set(p.high, o);
    out.low.set(p.low, o);
    out.close.set(p.close, o);
    out.volume.set(p.volume, o);
    o += p.length;
  }
  return out;
}

/**
 * Candles from the exchange through ccxt `fetchOHLCV` (the real Kraken Futures or the fake exchange), paged
 * by the venue's per-request limit and validated by data/fetch's `pageToSeries`.
 */
export function exchangeCandleFeed(client: OhlcvClient, source = 'krakenfutures'): CandleFeed {
  let markets: Promise<unknown> | null = null;
  return {
    async closedBars(symbol, tf, from, now) {
      markets ??= client.loadMarkets();
      await markets;
      const span = TIMEFRAME_MS[tf];
      const end = alignDown(now, tf); // bars opening before it have closed
      const id = { source, symbol, timeframe: tf };
      const parts: CandleSeries[] = [];
      let since = from;
      while (since < end) {
        const page = await client.fetchOHLCV(toCcxtSymbol(symbol), tf, since, KRAKEN_FUTURES_OHLCV_LIMIT);
        const s = pageToSeries(page, id, since, end);
        if (s.length > 0) parts.push(s);
        if (page.length < KRAKEN_FUTURES_OHLCV_LIMIT || s.length === 0) break;
        since = s.ts[s.length - 1] + span;
      }
      return concatSeries(parts, id);
    },
  };
}
