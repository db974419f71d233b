/**
 * REST paths of Kraken Futures, identical on the real host and the fake. ccxt builds them as
 * `urls.api.public` (…/derivatives/api/) + `v3/instruments`, and `urls.api.charts` (…/api/charts/) +
 * `v1/{price_type}/{symbol}/{interval}`.
 */
export const KRAKEN_FUTURES_ORIGIN = 'https://futures.kraken.com';
export const PUBLIC_PREFIX = '/derivatives/api/v3';
export const CHARTS_PREFIX = '/api/charts/v1';

export const PATHS = {
  instruments: `${PUBLIC_PREFIX}/instruments`,
  tickers: `${PUBLIC_PREFIX}/tickers`,
  ticker: `${PUBLIC_PREFIX}/tickers/:symbol`,
  charts: `${CHARTS_PREFIX}/:tickType/:symbol/:resolution`,
} as const;
