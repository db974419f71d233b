import type { CandleSeries } from '../../data/candles/series.ts';
import { createKrakenFuturesClient, type KrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { seriesFromCloses } from '../../data/synthetic/scripted.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { KrakenFuturesBroker, type KrakenFuturesBrokerOptions } from '../../live/kraken/broker.ts';
import { memoryCandleSource } from '../../live/kraken/fake/candle-source.ts';
import {
  createPrivateVenue,
  type PrivateVenue,
  type PrivateVenueOptions,
} from '../../live/kraken/fake/private/index.ts';
import { createFakeKrakenServer, type FakeKrakenServer } from '../../live/kraken/fake/server.ts';
import type { InstrumentSpec } from '../../live/kraken/fake/venue-state.ts';

/**
 * A fake Kraken Futures with its private side, on 127.0.0.1 (port 0), driven by in-memory candles and a
 * clock the test moves: the fixture of every live test that talks to it through the real ccxt client.
 */

export const H = TIMEFRAME_MS['1h'];
export const T0 = Date.UTC(2024, 0, 1);
export const API_KEY = 'test-key';
/** Base64, as Kraken issues secrets. */
export const API_SECRET = Buffer.from('fake-kraken-futures-secret-for-tests').toString('base64');

/** 48 hourly BTC bars rising 100 per bar from 40 000 (bar i closes at 40 000 + 100 i, opens at the previous close). */
export function risingBtc(): CandleSeries {
  return seriesFromCloses(
    Array.from({ length: 48 }, (_, i) => 40_000 + 100 * i),
    { symbol: 'BTC', timeframe: '1h', start: T0, volume: 1_000 },
  );
}

export interface FakeExchange {
  server: FakeKrakenServer;
  venue: PrivateVenue;
  url: string;
  /** The fake's clock (UTC ms): set it to move time. */
  clock: { now: number };
  /** A ccxt client with the right credentials. */
  client(opts?: { secret?: string; timeoutMs?: number }): KrakenFuturesClient;
  /** A broker with the right credentials, no retry delays. */
  broker(
    opts?: Partial<KrakenFuturesBrokerOptions> & { secret?: string; timeoutMs?: number },
  ): KrakenFuturesBroker;
  stop(): Promise<void>;
}

export async function startFakeExchange(
  opts: {
    series?: CandleSeries[];
    at?: number;
    instruments?: InstrumentSpec[];
    venue?: PrivateVenueOptions;
  } = {},
): Promise<FakeExchange> {
  const clock = { now: opts.at ?? T0 + 10 * H };
  const venue = createPrivateVenue({ sim: { slippageBps: 0 }, ...opts.venue });
  const server = createFakeKrakenServer({
    candles: memoryCandleSource(opts.series ?? [risingBtc()]),
    now: () => clock.now,
    instruments: opts.instruments,
    credentials: { apiKey: API_KEY, apiSecret: API_SECRET },
    extensions: [venue.extension],
  });
  const url = await server.start();
  const client = (o: { secret?: string; timeoutMs?: number } = {}) =>
    createKrakenFuturesClient({
      baseUrl: url,
      apiKey: API_KEY,
      secret: o.secret ?? API_SECRET,
      timeoutMs: o.timeoutMs,
    });
  return {
    server,
    venue,
    url,
    clock,
    client,
    broker(o = {}) {
      const { secret, timeoutMs, ...rest } = o;
      return new KrakenFuturesBroker({
        client: client({ secret, timeoutMs }),
        retry: { attempts: 3, baseDelayMs: 0 },
        now: () => clock.now,
        ...rest,
      });
    },
    stop: () => server.stop(),
  };
}
