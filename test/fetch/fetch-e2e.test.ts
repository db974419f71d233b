import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { UserError } from '../../data/errors.ts';
import { FetchInterruptedError, type FetchLogger, fetchCandles } from '../../data/fetch/fetch-candles.ts';
import { createKrakenFuturesClient, type KrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { syntheticSeries } from '../../data/synthetic/generator.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { ChartCandlesResponseSchema } from '../../live/kraken/api/schema/charts.ts';
import { InstrumentsResponseSchema } from '../../live/kraken/api/schema/instruments.ts';
import { TickerResponseSchema, TickersResponseSchema } from '../../live/kraken/api/schema/tickers.ts';
import { memoryCandleSource } from '../../live/kraken/fake/candle-source.ts';
import { createFakeKrakenServer, type FakeKrakenServer } from '../../live/kraken/fake/server.ts';

/**
 * `data fetch` end to end: the real, unmodified ccxt krakenfutures client against the fake Kraken
 * Futures on 127.0.0.1, writing into a real (in-memory) DuckDB candle store.
 */

const TF = '15m';
const STEP = TIMEFRAME_MS[TF];
const START = Date.UTC(2024, 0, 1);
const BARS = 5000; // 2.5 pages of 2000
const END = START + BARS * STEP;

const btc = syntheticSeries({
  symbol: 'BTC',
  source: 'krakenfutures',
  length: BARS,
  seed: 1,
  startPrice: 42_000,
  tickSize: 0.5,
});
const eth = syntheticSeries({
  symbol: 'ETH',
  source: 'krakenfutures',
  length: BARS,
  seed: 2,
  startPrice: 2_300,
});
const doge = syntheticSeries({
  symbol: 'DOGE',
  source: 'krakenfutures',
  length: 300,
  seed: 3,
  startPrice: 0.08,
});

class Recorder implements FetchLogger {
  readonly lines: string[] = [];
  info(_o: object, msg: string) {
    this.lines.push(msg);
  }
  warn(_o: object, msg: string) {
    this.lines.push(msg);
  }
}

const noSleep = async () => {};

function expectSameBars(got: CandleSeries, want: CandleSeries) {
  expect(got.length).toBe(want.length);
  for (const col of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(Array.from(got[col])).toEqual(Array.from(want[col]));
  }
}

function expectContiguous(s: CandleSeries) {
  for (let i = 1; i < s.length; i++) {
    if (s.ts[i] - s.ts[i - 1] !== STEP)
      throw new Error(`gap or duplicate at row ${i}: ${s.ts[i - 1]} → ${s.ts[i]}`);
  }
}

let server: FakeKrakenServer;
let url: string;
let clock = END + 3 * 3_600_000;

beforeAll(async () => {
  server = createFakeKrakenServer({ candles: memoryCandleSource([btc, eth, doge]), now: () => clock });
  url = await server.start(0);
});
afterAll(async () => {
  await server.stop();
});

let store: CandleStore;
let exchange: KrakenFuturesClient;
beforeEach(async () => {
  clock = END + 3 * 3_600_000;
  server.faults.reset();
  store = await CandleStore.open(':memory:');
  exchange = createKrakenFuturesClient({ baseUrl: url });
});
afterEach(async () => {
  await store.close();
});

const key = (symbol: string) => ({ source: 'krakenfutures', symbol, timeframe: TF }) as const;

describe('fake Kraken Futures speaks the real API to ccxt', () => {
  it('rewrites only the origin of every urls.api entry', () => {
    const api = exchange.urls.api as Record<string, string>;
    expect(api.public).toBe(`${url}/derivatives/api/`);
    expect(api.charts).toBe(`${url}/api/charts/`);
    expect(Object.values(api).every((u) => u.startsWith(url))).toBe(true);
    const real = createKrakenFuturesClient();
    expect((real.urls.api as Record<string, string>).public).toBe(
      'https://futures.kraken.com/derivatives/api/',
    );
  });

  it('ccxt loads the markets as linear USD perpetuals with canonical symbols', async () => {
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USD:USD', 'DOGE/USD:USD', 'ETH/USD:USD']);
    const m = markets['BTC/USD:USD'];
    expect(m).toMatchObject({
      id: 'PF_XBTUSD',
      base: 'BTC',
      quote: 'USD',
      settle: 'USD',
      swap: true,
      linear: true,
    });
    expect(m?.precision.amount).toBe(0.0001);
    expect(markets['DOGE/USD:USD']?.id).toBe('PF_XDGUSD');
  });

  it('ccxt tickers reflect the last candle at the fake clock', async () => {
    await exchange.loadMarkets();
    const t = await exchange.fetchTicker('ETH/USD:USD');
    const lastClose = eth.close[eth.length - 1];
    expect(t.last).toBeCloseTo(lastClose, 1);
    expect(t.bid).toBeLessThan(t.ask ?? 0);
    const all = await exchange.fetchTickers();
    expect(Object.keys(all).sort()).toEqual(['BTC/USD:USD', 'DOGE/USD:USD', 'ETH/USD:USD']);
  });

  it('raw responses match the zod schemas of the real API', async () => {
    const get = async (path: string) => (await fetch(`${url}${path}`)).json();
    expect(InstrumentsResponseSchema.safeParse(await get('/derivatives/api/v3/instruments')).success).toBe(
      true,
    );
    expect(TickersResponseSchema.safeParse(await get('/derivatives/api/v3/tickers')).success).toBe(true);
    expect(TickerResponseSchema.safeParse(await get('/derivatives/api/v3/tickers/PF_XBTUSD')).success).toBe(
      true,
    );
    const from = START / 1000;
    const charts = ChartCandlesResponseSchema.parse(
      await get(`/api/charts/v1/trade/PF_XBTUSD/15m?from=${from}&to=${from + 10 * 900 - 1}`),
    );
    expect(charts.candles).toHaveLength(10);
    expect(charts.candles[3]).toEqual({
      time: btc.ts[3],
      open: String(btc.open[3]),
      high: String(btc.high[3]),
      low: String(btc.low[3]),
      close: String(btc.close[3]),
      volume: btc.volume[3],
    });
    const big = ChartCandlesResponseSchema.parse(
      await get(`/api/charts/v1/trade/PF_XBTUSD/15m?from=${from}`),
    );
    expect(big.candles).toHaveLength(2000);
    expect(big.more_candles).toBe(true);
  });
});

describe('fetchCandles through ccxt', () => {
  it('fills the store with every closed bar, equal to the source', async () => {
    const r = await fetchCandles({
      exchange,
      store,
      symbols: ['BTC', 'PF_ETHUSD'],
      timeframe: TF,
      since: START,
      now: () => clock,
      sleep: noSleep,
    });
    // 3 pages of data, then one more that confirms nothing newer exists before the forming bar
    expect(r.symbols.map((s) => [s.symbol, s.rowsStored, s.pages])).toEqual([
      ['BTC', BARS, 4],
      ['ETH', BARS, 4],
    ]);
    expect(r.symbols[0].endTs).toBe(END + 3 * 3_600_000);
    expectSameBars(await store.read(key('BTC')), btc);
    expectSameBars(await store.read(key('ETH')), eth);
  });

  it('refetching resumes after the last stored bar and stores nothing twice', async () => {
    await fetchCandles({
      exchange,
      store,
      symbols: ['BTC'],
      timeframe: TF,
      since: START,
      until: START + 2500 * STEP,
      now: () => clock,
    });
    const log = new Recorder();
    const r = await fetchCandles({
      exchange,
      store,
      symbols: ['BTC'],
      timeframe: TF,
      since: START,
      until: END,
      now: () => clock,
      log,
    });
    expect(r.symbols[0].resumedAfter).toBe(START + 2499 * STEP);
    expect(r.symbols[0].rowsStored).toBe(BARS - 2500);
    expect(r.symbols[0].pages).toBe(2);
    expect(log.lines).toContain('FETCH_RESUME BTC');
    const got = await store.read(key('BTC'));
    expectContiguous(got);
    expectSameBars(got, btc);
  });

  it('seed-style interruption: chart requests fail after 2 pages; rerun resumes without duplicates or gaps', async () => {
    server.faults.set({ scope: 'charts', failAfter: 2 });
    const log = new Recorder();
    const first = fetchCandles({
      exchange,
      store,
      symbols: ['BTC'],
      timeframe: TF,
      since: START,
      now: () => clock,
      retry: { maxAttempts: 3 },
      sleep: noSleep,
      log,
    });
    await expect(first).rejects.toThrow(FetchInterruptedError);
    await expect(first).rejects.toThrow(/failed after 3 attempts.*4000 new rows were stored.*rerun/);
    expect(log.lines.filter((l) => l.startsWith('FETCH_RETRY'))).toHaveLength(2);
    expect(server.faults.stats.failed.charts).toBe(3);
    const partial = await store.read(key('BTC'));
    expect(partial.length).toBe(4000);
    expectContiguous(partial);

    server.faults.reset();
    const second = await fetchCandles({
      exchange,
      store,
      symbols: ['BTC'],
      timeframe: TF,
      since: START,
      now: () => clock,
    });
    expect(second.symbols[0].resumedAfter).toBe(START + 3999 * STEP);
    expect(second.symbols[0].rowsStored).toBe(1000);
    const all = await store.read(key('BTC'));
    expectContiguous(all);
    expectSameBars(all, btc);
  });

  it('retries transient 5xx and dropped connections with backoff, then succeeds', async () => {
    const waits: number[] = [];
    server.faults.set({ scope: 'charts', failNext: 2, errorStatus: 503 });
    const r = await fetchCandles({
      exchange,
      store,
      symbols: ['DOGE'],
      timeframe: TF,
      since: START,
      now: () => clock,
      retry: { baseDelayMs: 100 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([100, 200]);
    expect(r.retries).toBe(2);
    expect(r.symbols[0].rowsStored).toBe(300);

    server.faults.set({ scope: 'charts', failNext: 1, failMode: 'drop' });
    const again = await fetchCandles({
      exchange,
      store,
      symbols: ['DOGE'],
      timeframe: TF,
      since: START,
      now: () => clock,
      full: true,
      sleep: noSleep,
    });
    expect(again.retries).toBe(1);
    expectSameBars(await store.read(key('DOGE')), doge);
  });

  it('stores only closed bars: the forming bar the venue returns is dropped', async () => {
    // the venue clock (and ours) is 5 minutes into bar #1000
    clock = START + 1000 * STEP + 5 * 60_000;
    const raw = ChartCandlesResponseSchema.parse(
      await (
        await fetch(`${url}/api/charts/v1/trade/PF_XBTUSD/15m?from=${(START + 990 * STEP) / 1000}`)
      ).json(),
    );
    expect(raw.candles.at(-1)?.time).toBe(START + 1000 * STEP); // the venue does serve it
    const r = await fetchCandles({
      exchange,
      store,
      symbols: ['BTC'],
      timeframe: TF,
      since: START,
      now: () => clock,
    });
    expect(r.symbols[0].lastStoredTs).toBe(START + 999 * STEP);
    expect((await store.read(key('BTC'))).length).toBe(1000);
  });

  it('does not retry a non-network error, and names an unlisted symbol', async () => {
    await expect(
      fetchCandles({ exchange, store, symbols: ['SOL'], timeframe: TF, since: START, now: () => clock }),
    ).rejects.toThrow(UserError);
    await expect(
      fetchCandles({ exchange, store, symbols: ['SOL'], timeframe: TF, since: START, now: () => clock }),
    ).rejects.toThrow("symbol 'SOL' is not listed");
    server.faults.set({ scope: 'charts', failNext: 1, errorStatus: 400 });
    const log = new Recorder();
    await expect(
      fetchCandles({
        exchange,
        store,
        symbols: ['BTC'],
        timeframe: TF,
        since: START,
        now: () => clock,
        log,
        sleep: noSleep,
      }),
    ).rejects.toThrow(FetchInterruptedError);
    expect(log.lines.some((l) => l.startsWith('FETCH_RETRY'))).toBe(false);
  });

  it('injected latency delays each request by at least that much', async () => {
    server.faults.set({ latencyMs: 120 });
    const t0 = performance.now();
    await fetch(`${url}/derivatives/api/v3/instruments`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });
});
