export {
  type CandleSink,
  type FetchCandlesOptions,
  type FetchCandlesResult,
  FetchInterruptedError,
  type FetchLogger,
  type FetchProgress,
  fetchCandles,
  type OhlcvClient,
  pageToSeries,
  type SymbolFetchSummary,
} from './fetch-candles.ts';
export {
  createKrakenFuturesClient,
  isRetryableExchangeError,
  KRAKEN_FUTURES_OHLCV_LIMIT,
  KRAKEN_FUTURES_SOURCE,
  type KrakenFuturesClient,
  type KrakenFuturesClientOptions,
} from './kraken-client.ts';
export { backoffDelay, DEFAULT_RETRY, RetriesExhaustedError, type RetryPolicy, withRetry } from './retry.ts';
