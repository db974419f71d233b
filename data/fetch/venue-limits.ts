/**
 * Venue constants shared by the downloader and the fake exchange, kept free of the ccxt import so the
 * fake does not load ccxt.
 */

/** Store source name of candles downloaded from Kraken Futures perpetuals. */
export const KRAKEN_FUTURES_SOURCE = 'krakenfutures';

/**
 * Most candles one Kraken Futures charts request returns; ccxt caps `fetchOHLCV` at this for the venue
 * (krakenfutures.js: `limit = Math.min(limit, 2000)`), and the fake serves at most this many per request.
 */
export const KRAKEN_FUTURES_OHLCV_LIMIT = 2000;
