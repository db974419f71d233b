import ccxt from 'ccxt';
import { UserError } from '../errors.ts';
import { CCXT_COMMON_CURRENCIES } from '../symbols/symbols.ts';

/** The ccxt Kraken Futures client type. */
export type KrakenFuturesClient = InstanceType<typeof ccxt.krakenfutures>;

export { KRAKEN_FUTURES_OHLCV_LIMIT, KRAKEN_FUTURES_SOURCE } from './venue-limits.ts';

export interface KrakenFuturesClientOptions {
  /**
   * Origin to talk to instead of https://futures.kraken.com (the fake exchange: `http://127.0.0.1:PORT`).
   * Only the origin of each `urls.api` entry changes; paths stay the real ones.
   */
  baseUrl?: string;
  apiKey?: string;
  /** Base64 API secret, as Kraken issues it. */
  secret?: string;
  /** Per-request timeout; ccxt's default is 10 s. */
  timeoutMs?: number;
  /**
   * ccxt's client-side throttle (600 ms between requests for this venue). On by default for the real
   * host, off for a loopback fake where it would only slow tests down.
   */
  enableRateLimit?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function parseOrigin(baseUrl: string): URL {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch (err) {
    throw new UserError(
      `--exchange-url '${baseUrl}' is not a URL (${(err as Error).message}): use e.g. http://127.0.0.1:8787`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UserError(`--exchange-url '${baseUrl}' must start with http:// or https://`);
  }
  return u;
}

/**
 * A ccxt `krakenfutures` client. With `baseUrl`, every `urls.api` entry keeps its path and gets the new
 * origin, so the unmodified client talks to the fake exchange exactly as it would to Kraken. Its unified
 * symbols use canonical asset codes (`BTC/USD:USD`, `DOGE/USD:USD`; see CCXT_COMMON_CURRENCIES). Live
 * mode builds its broker on the same client.
 */
export function createKrakenFuturesClient(opts: KrakenFuturesClientOptions = {}): KrakenFuturesClient {
  const origin = opts.baseUrl === undefined ? null : parseOrigin(opts.baseUrl);
  const loopback = origin !== null && LOOPBACK.has(origin.hostname);
  const exchange = new ccxt.krakenfutures({
    apiKey: opts.apiKey,
    secret: opts.secret,
    timeout: opts.timeoutMs ?? 10_000,
    enableRateLimit: opts.enableRateLimit ?? !loopback,
    commonCurrencies: { ...CCXT_COMMON_CURRENCIES },
  });
  if (origin) {
    const api = exchange.urls.api as Record<string, string>;
    for (const [name, url] of Object.entries(api)) {
      const u = new URL(url);
      api[name] = `${origin.origin}${u.pathname}${u.search}`;
    }
  }
  return exchange;
}

/** True for errors worth retrying: timeouts, 5xx, dropped connections, rate limits. */
export function isRetryableExchangeError(err: unknown): boolean {
  return err instanceof ccxt.NetworkError;
}
