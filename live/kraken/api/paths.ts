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

/**
 * Authenticated endpoints (ccxt `urls.api.private`, same prefix as the public ones). Kraken signs them
 * over `endpointPath`: the path without the `/derivatives` prefix, e.g. `/api/v3/sendorder`.
 */
export const PRIVATE_PATHS = {
  accounts: `${PUBLIC_PREFIX}/accounts`,
  openPositions: `${PUBLIC_PREFIX}/openpositions`,
  openOrders: `${PUBLIC_PREFIX}/openorders`,
  orderStatus: `${PUBLIC_PREFIX}/orders/status`,
  fills: `${PUBLIC_PREFIX}/fills`,
  sendOrder: `${PUBLIC_PREFIX}/sendorder`,
  editOrder: `${PUBLIC_PREFIX}/editorder`,
  cancelOrder: `${PUBLIC_PREFIX}/cancelorder`,
  cancelAllOrders: `${PUBLIC_PREFIX}/cancelallorders`,
  leveragePreferences: `${PUBLIC_PREFIX}/leveragepreferences`,
} as const;

const PRIVATE_PATH_SET: ReadonlySet<string> = new Set(Object.values(PRIVATE_PATHS));

/** True for a request URL (query allowed) of an authenticated endpoint. */
export function isPrivatePath(url: string): boolean {
  const q = url.indexOf('?');
  return PRIVATE_PATH_SET.has(q < 0 ? url : url.slice(0, q));
}

/** Kraken's `endpointPath` of a request path: `/derivatives/api/v3/x` → `/api/v3/x`. */
export function endpointPathOf(path: string): string {
  return path.startsWith('/derivatives/') ? path.slice('/derivatives'.length) : path;
}
