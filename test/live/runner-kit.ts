import type { FastifyInstance } from 'fastify';
import type { CandleSeries } from '../../data/candles/series.ts';
import { createKrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { importCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import type { BacktestConfig } from '../../engine/backtest/config.ts';
import type { Logger } from '../../engine/log.ts';
import { KrakenFuturesBroker } from '../../live/kraken/broker.ts';
import { memoryCandleSource } from '../../live/kraken/fake/candle-source.ts';
import { createPrivateVenue, type PrivateVenue } from '../../live/kraken/fake/private/index.ts';
import { createFakeKrakenServer, type FakeKrakenServer } from '../../live/kraken/fake/server.ts';
import type { InstrumentSpec } from '../../live/kraken/fake/venue-state.ts';
import { exchangeCandleFeed } from '../../live/runner/candle-feed.ts';
import { LiveRunner, type LiveRunnerOptions } from '../../live/runner/runner.ts';
import { LiveStore } from '../../live/store/live-store.ts';
import { API_KEY, API_SECRET } from './fake-kit.ts';

/**
 * A live runner against the fake exchange replaying candles, both on one clock the test moves bar by
 * bar: the assembly of the parity and scenario tests.
 */

/** 1h candles of the bundled real sample (Binance USD-M perpetuals), in [from, to). */
export async function sampleSeries(
  symbols: readonly string[],
  from: number,
  to: number,
): Promise<CandleSeries[]> {
  const store = await CandleStore.open(':memory:');
  try {
    const out: CandleSeries[] = [];
    for (const s of symbols) {
      await importCandleFile(store, `${BUNDLED_SAMPLE_DIR}binance-usdm-perp/${s}USDT_1h.parquet`);
      out.push(await store.read({ source: 'binance-usdm-perp', symbol: s, timeframe: '1h' }, { from, to }));
    }
    return out;
  } finally {
    await store.close();
  }
}

export interface Replay {
  runner: LiveRunner;
  store: LiveStore;
  server: FakeKrakenServer;
  venue: PrivateVenue;
  broker: KrakenFuturesBroker;
  clock: { now: () => number; t: number };
  /** Ticks at the clock's time and every bar close after it up to `until`; leaves the clock at the next one. */
  runUntil(until: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReplay(opts: {
  series: CandleSeries[];
  config: BacktestConfig;
  start: number;
  instruments?: InstrumentSpec[];
  logger: Logger;
  runner?: Partial<LiveRunnerOptions>;
  storePath?: string;
  /** More routes or hooks on the fake (registered before it listens). */
  extensions?: ReadonlyArray<(app: FastifyInstance) => void>;
}): Promise<Replay> {
  const clock = {
    t: opts.start,
    now() {
      return this.t;
    },
  };
  const venue = createPrivateVenue({ sim: opts.config.sim });
  const server = createFakeKrakenServer({
    candles: memoryCandleSource(opts.series),
    now: () => clock.t,
    instruments: opts.instruments,
    credentials: { apiKey: API_KEY, apiSecret: API_SECRET },
    extensions: [
      venue.extension,
      // tests that run the runner in a child process move the parent's clock through this
      (app) => {
        app.post('/_test/clock', async (req) => {
          clock.t = (req.body as { t: number }).t;
          return { t: clock.t };
        });
      },
      ...(opts.extensions ?? []),
    ],
  });
  const url = await server.start();
  const client = createKrakenFuturesClient({ baseUrl: url, apiKey: API_KEY, secret: API_SECRET });
  const broker = new KrakenFuturesBroker({
    client,
    now: () => clock.t,
    retry: { attempts: 3, baseDelayMs: 0 },
  });
  const store = await LiveStore.open(opts.storePath ?? ':memory:');
  const base = opts.series[0].timeframe;
  const runner = new LiveRunner({
    config: opts.config,
    symbols: opts.series.map((s) => s.symbol),
    baseTimeframe: base,
    broker,
    candles: exchangeCandleFeed(client, 'fake'),
    store,
    clock: { now: () => clock.t },
    logger: opts.logger,
    ...opts.runner,
  });
  const span = TIMEFRAME_MS[base];
  return {
    runner,
    store,
    server,
    venue,
    broker,
    clock,
    async runUntil(until: number) {
      while (clock.t <= until) {
        await runner.tick();
        clock.t += span;
      }
    },
    async close() {
      await store.close();
      await server.stop();
    },
  };
}
