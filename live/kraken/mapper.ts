import type { MarketSnapshot } from '../../data/markets/market-registry.ts';
import { fromKrakenFuturesSymbol, isKrakenFuturesSymbol } from '../../data/symbols/symbols.ts';
import type { Instrument } from './api/schema/instruments.ts';
import type { Ticker } from './api/schema/tickers.ts';

/**
 * Translations between Kraken Futures' shapes and the domain's, in one place (STYLE: a venue folder has
 * its broker, mapper, schemas and fake). Live mode adds orders, fills and positions here.
 */

const num = (v: number | string | undefined): number => (v === undefined ? Number.NaN : Number(v));

/**
 * The MarketRegistry's view of a perpetual from its ticker (and instrument, when known). Only `PF_`
 * perpetuals qualify. 24 h volume in USD: `vol24h` counts base units on flexible (linear) perpetuals, so
 * it is multiplied by the last price; `volumeQuote`, when the venue sends it, is used as is.
 */
export function tickerToMarketSnapshot(t: Ticker, instrument?: Instrument): MarketSnapshot | null {
  if (!t.symbol.toUpperCase().startsWith('PF_') || !isKrakenFuturesSymbol(t.symbol)) return null;
  const last = num(t.last);
  const quote = num(t.volumeQuote);
  const volumeUsd24h = Number.isFinite(quote) ? quote : num(t.vol24h) * last;
  return {
    symbol: fromKrakenFuturesSymbol(t.symbol),
    volumeUsd24h,
    bid: num(t.bid),
    ask: num(t.ask),
    tradeable: (instrument?.tradeable ?? true) && t.suspended !== true && t.postOnly !== true,
  };
}

/** Snapshots of every perpetual in a tickers response, joined with the instruments by id. */
export function marketSnapshots(
  tickers: readonly Ticker[],
  instruments: readonly Instrument[] = [],
): MarketSnapshot[] {
  const byId = new Map(instruments.map((i) => [i.symbol.toUpperCase(), i]));
  const out: MarketSnapshot[] = [];
  for (const t of tickers) {
    const s = tickerToMarketSnapshot(t, byId.get(t.symbol.toUpperCase()));
    if (s) out.push(s);
  }
  return out;
}
