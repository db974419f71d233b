import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticSeries } from '../../../data/synthetic/generator.ts';
import { seriesFromCloses } from '../../../data/synthetic/scripted.ts';
import { TIMEFRAME_MS } from '../../../data/timeframes.ts';
import { ChartCandlesResponseSchema } from '../api/schema/charts.ts';
import { KrakenErrorResponseSchema } from '../api/schema/common.ts';
import { InstrumentsResponseSchema } from '../api/schema/instruments.ts';
import { TickerResponseSchema, TickersResponseSchema } from '../api/schema/tickers.ts';
import { type CandleStoreReader, memoryCandleSource, storeCandleSource } from './candle-source.ts';
import { FaultInjector } from './faults.ts';
import { createFakeKrakenServer, type FakeKrakenServer } from './server.ts';
import { decimalsOf, quantize } from './venue-state.ts';

const H = TIMEFRAME_MS['1h'];
const START = Date.UTC(2024, 0, 1);
// 48 hourly bars: 100, 101, …, 147
const sol = seriesFromCloses(
  Array.from({ length: 48 }, (_, i) => 100 + i),
  { symbol: 'SOL', timeframe: '1h', start: START, volume: 10 },
);
// ETH in two timeframes: tickers must use the finer one
const eth15 = seriesFromCloses(
  Array.from({ length: 124 }, (_, i) => 2000 + i),
  { symbol: 'ETH', timeframe: '15m', start: START, volume: 1 },
);
const eth1h = syntheticSeries({
  symbol: 'ETH',
  timeframe: '1h',
  length: 31,
  start: START,
  seed: 1,
  baseVolume: 1000,
});
const btc = seriesFromCloses([42_000, 42_100.5], { symbol: 'BTC', timeframe: '1h', start: START });

let clock = START + 30 * H + 10 * 60_000; // 10 minutes into bar #30
let server: FakeKrakenServer;

beforeAll(async () => {
  server = createFakeKrakenServer({
    candles: memoryCandleSource([sol, eth1h, eth15, btc]),
    now: () => clock,
    instruments: [{ symbol: 'BTC', tickSize: 0.5, spreadBps: 10 }],
  });
  await server.ready();
});
afterAll(() => server.stop());
beforeEach(() => {
  clock = START + 30 * H + 10 * 60_000;
  server.faults.reset();
});

const get = async (url: string) => {
  const r = await server.app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() };
};

describe('instruments', () => {
  it('lists one flexible perpetual per symbol, on the real path and shape', async () => {
    const { status, body } = await get('/derivatives/api/v3/instruments');
    expect(status).toBe(200);
    const parsed = InstrumentsResponseSchema.parse(body);
    expect(parsed.instruments.map((i) => i.symbol)).toEqual(['PF_XBTUSD', 'PF_ETHUSD', 'PF_SOLUSD']);
    const xbt = parsed.instruments[0];
    expect(xbt).toMatchObject({
      type: 'flexible_futures',
      tradeable: true,
      tickSize: 0.5,
      base: 'XBT',
      pair: 'XBT:USD',
    });
    expect(xbt.lastTradingTime).toBeUndefined(); // a perpetual: ccxt makes it a swap
    // price 130 → 5 significant digits → tick 0.01; amount precision 10^-2
    expect(parsed.instruments[2]).toMatchObject({ tickSize: 0.01, contractValueTradePrecision: 2 });
    // ETH ~2120 → tick 0.1, amount precision 10^-3
    expect(parsed.instruments[1]).toMatchObject({ tickSize: 0.1, contractValueTradePrecision: 3 });
  });
});

describe('tickers', () => {
  it('quote the forming bar at the fake clock, with a spread on the tick grid', async () => {
    const { body } = await get('/derivatives/api/v3/tickers/PF_XBTUSD');
    const t = TickerResponseSchema.parse(body).ticker;
    expect(t.last).toBe(42_100.5);
    expect(t.bid).toBe(42_079); // 42100.5 − 5 bps = 42079.45, floored to the 0.5 tick
    expect(t.ask).toBe(42_122); // 42121.55 ceiled
    expect(t.suspended).toBe(false);
  });

  it('sum the last 24 h of volume from the finest timeframe', async () => {
    const { body } = await get('/derivatives/api/v3/tickers');
    const all = TickersResponseSchema.parse(body).tickers;
    expect(all.map((t) => t.symbol)).toEqual(['PF_XBTUSD', 'PF_ETHUSD', 'PF_SOLUSD']);
    const eth = all.find((t) => t.symbol === 'PF_ETHUSD');
    // 15m bars opening in (now − 24 h, now]: 96 of them, volume 1 each, the forming one's not traded yet;
    // last is the forming bar as formed 10 minutes in: its open (its final close 2120 is not known yet)
    expect(eth).toMatchObject({ vol24h: 95, last: 2000 + 119, open24h: 2000 + 24, tag: 'perpetual' });
    const sol = all.find((t) => t.symbol === 'PF_SOLUSD');
    expect(sol).toMatchObject({ last: 129, vol24h: 230, high24h: 129.13 }); // 129 × 1.001 on the 0.01 tick
  });

  it('unknown symbol → 404 contractNotFound', async () => {
    const { status, body } = await get('/derivatives/api/v3/tickers/PF_NOPEUSD');
    expect(status).toBe(404);
    expect(KrakenErrorResponseSchema.parse(body).error).toBe('contractNotFound');
  });
});

describe('charts', () => {
  const charts = (q: string) => get(`/api/charts/v1/trade/PF_SOLUSD/1h${q}`);

  it('from/to in seconds, to inclusive, prices as strings', async () => {
    const from = START / 1000;
    const { body } = await charts(`?from=${from}&to=${from + 3 * 3600 - 1}`);
    const r = ChartCandlesResponseSchema.parse(body);
    expect(r.candles.map((c) => [c.time, c.close])).toEqual([
      [START, '100'],
      [START + H, '101'],
      [START + 2 * H, '102'],
    ]);
    expect(r.more_candles).toBe(false);
  });

  it('never serves a bar that opens after the clock; includes the forming one', async () => {
    const { body } = await charts(`?from=${START / 1000}`);
    const r = ChartCandlesResponseSchema.parse(body);
    expect(r.candles).toHaveLength(31);
    expect(r.candles.at(-1)?.time).toBe(START + 30 * H);
  });

  it('count without from: the latest N bars up to `to`', async () => {
    const { body } = await charts(`?count=2&to=${(START + 10 * H) / 1000}`);
    expect(ChartCandlesResponseSchema.parse(body).candles.map((c) => c.time)).toEqual([
      START + 9 * H,
      START + 10 * H,
    ]);
  });

  it('mark and spot candles carry no volume; unknown markets and resolutions are empty', async () => {
    const mark = ChartCandlesResponseSchema.parse(
      (await get(`/api/charts/v1/mark/PF_SOLUSD/1h?from=${START / 1000}`)).body,
    );
    expect(mark.candles[0].volume).toBe(0);
    expect((await get(`/api/charts/v1/trade/PF_NOPEUSD/1h?from=${START / 1000}`)).body).toEqual({
      candles: [],
      more_candles: false,
    });
    expect((await get(`/api/charts/v1/trade/PF_SOLUSD/5m?from=${START / 1000}`)).body).toEqual({
      candles: [],
      more_candles: false,
    });
  });

  it('bad tick type, resolution or query → 400 with a Kraken error body', async () => {
    for (const url of [
      '/api/charts/v1/last/PF_SOLUSD/1h',
      '/api/charts/v1/trade/PF_SOLUSD/2h',
      '/api/charts/v1/trade/PF_SOLUSD/1h?from=yesterday',
    ]) {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(KrakenErrorResponseSchema.parse(body).error).toBe('Bad Request');
    }
  });
});

describe('faults and control API', () => {
  it('failNext fails exactly N matching requests with the status and Kraken body', async () => {
    server.faults.set({ failNext: 2, scope: 'charts', errorStatus: 502 });
    const url = `/api/charts/v1/trade/PF_SOLUSD/1h?from=${START / 1000}`;
    expect((await get(url)).status).toBe(502);
    expect((await get('/derivatives/api/v3/instruments')).status).toBe(200); // other scope passes
    expect((await get(url)).body).toMatchObject({ result: 'error', error: 'Unavailable' });
    expect((await get(url)).status).toBe(200);
    expect(server.faults.stats).toEqual({
      requests: { public: 1, charts: 3, private: 0 },
      failed: { public: 0, charts: 2, private: 0 },
    });
  });

  it('429 carries apiLimitExceeded (ccxt: RateLimitExceeded)', async () => {
    server.faults.set({ failNext: 1, errorStatus: 429 });
    expect((await get('/derivatives/api/v3/tickers')).body).toMatchObject({ error: 'apiLimitExceeded' });
  });

  it('is driven over HTTP: PUT faults validates, stats count, reset clears', async () => {
    const bad = await server.app.inject({
      method: 'PUT',
      url: '/_control/faults',
      payload: { latencyMs: -1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('latencyMs');
    const unknown = await server.app.inject({ method: 'PUT', url: '/_control/faults', payload: { nope: 1 } });
    expect(unknown.statusCode).toBe(400);
    const ok = await server.app.inject({ method: 'PUT', url: '/_control/faults', payload: { failAfter: 1 } });
    expect(ok.json()).toMatchObject({ failAfter: 1, scope: 'all' });
    expect((await get('/derivatives/api/v3/instruments')).status).toBe(200);
    expect((await get('/derivatives/api/v3/instruments')).status).toBe(503);
    expect((await get('/_control/stats')).body.failed.public).toBe(1);
    await server.app.inject({ method: 'POST', url: '/_control/reset' });
    expect((await get('/derivatives/api/v3/instruments')).status).toBe(200);
    expect((await get('/_control/health')).body).toEqual({ ok: true, now: clock });
  });
});

describe('FaultInjector', () => {
  it('failAfter lets N through then fails every later request until set again', () => {
    const f = new FaultInjector({ failAfter: 2 });
    expect(['charts', 'charts', 'charts', 'public'].map((k) => f.decide(k as 'charts').kind)).toEqual([
      'pass',
      'pass',
      'fail',
      'fail',
    ]);
    f.set({ failAfter: 2 });
    expect(f.decide('charts').kind).toBe('pass');
  });
});

describe('storeCandleSource', () => {
  const list = [
    { source: 'binance-spot', symbol: 'BTC', timeframe: '1h' as const },
    { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' as const },
    { source: 'krakenfutures', symbol: 'ETH', timeframe: '15m' as const },
    { source: 'binance-spot', symbol: 'XRP', timeframe: '1h' as const },
    { source: 'okx-perp', symbol: 'ADA', timeframe: '1h' as const },
  ];
  const reads: Array<[string, number | undefined, number | undefined]> = [];
  const store: CandleStoreReader = {
    list: () => list,
    read: (key, range) => {
      reads.push([key.source, range.from, range.to]);
      return btc;
    },
  };

  it('prefers perpetual sources and never serves spot by default', async () => {
    const markets = await storeCandleSource(store).markets();
    expect(markets).toEqual([
      { symbol: 'BTC', timeframe: '1h' },
      { symbol: 'ETH', timeframe: '15m' },
      { symbol: 'ADA', timeframe: '1h' },
    ]);
  });

  it('an explicit source serves only that source, reading one bar past `to` and trimming', async () => {
    const src = storeCandleSource(store, 'binance-spot');
    expect((await src.markets()).map((m) => m.symbol)).toEqual(['BTC', 'XRP']);
    const s = await src.read('BTC', '1h', START, START);
    expect(reads.at(-1)).toEqual(['binance-spot', START, START + H]);
    expect(Array.from(s.ts)).toEqual([START]);
  });
});

describe('quantize', () => {
  it.each([
    [0.1 + 0.2, 0.1, 'round', 0.3],
    [42_079.7, 0.5, 'floor', 42_079.5],
    [42_079.7, 0.5, 'ceil', 42_080],
    [0.000123456, 1e-7, 'round', 0.0001235],
  ] as const)('%d to %d (%s) → %d', (x, step, mode, want) => {
    expect(quantize(x, step, mode)).toBe(want);
  });
  it('decimalsOf', () => {
    expect([decimalsOf(1), decimalsOf(0.5), decimalsOf(0.01), decimalsOf(1e-7)]).toEqual([0, 1, 2, 7]);
  });
});

describe('session-1 bug: the forming bar served with its final values (lookahead in replays)', () => {
  const last = async (url: string) => ChartCandlesResponseSchema.parse((await get(url)).body).candles.at(-1);

  it('with no finer data the forming bar is its open alone, until it closes', async () => {
    // SOL bar #30 opens at 129 and will close at 130; 10 minutes in, only the open is known
    expect(await last(`/api/charts/v1/trade/PF_SOLUSD/1h?from=${START / 1000}`)).toEqual({
      time: START + 30 * H,
      open: '129',
      high: '129',
      low: '129',
      close: '129',
      volume: 0,
    });
    clock = START + 31 * H; // closed: served whole
    const closed = (await get(`/api/charts/v1/trade/PF_SOLUSD/1h?from=${START / 1000}`)).body;
    const bar30 = ChartCandlesResponseSchema.parse(closed).candles[30];
    expect([bar30.close, bar30.high, bar30.volume]).toEqual(['130', String(130 * 1.001), 10]);
  });

  it('built from the finer bars closed so far, the finer forming bar giving the latest price', async () => {
    clock = START + 30 * H + 40 * 60_000; // 15m bars 120 and 121 closed, 122 forming
    const bar = await last(`/api/charts/v1/trade/PF_ETHUSD/1h?from=${(START + 20 * H) / 1000}`);
    const o = eth1h.open[30];
    const parts = [120, 121];
    expect(bar).toEqual({
      time: START + 30 * H,
      open: String(o),
      high: String(Math.max(o, 2121, ...parts.map((k) => eth15.high[k]))),
      low: String(Math.min(o, 2121, ...parts.map((k) => eth15.low[k]))),
      close: '2121', // bar 122's open, not eth1h's final close
      volume: 2,
    });
    expect(bar?.close).not.toBe(String(eth1h.close[30]));
  });

  it('a ticker quotes the latest known price, never the forming bar’s final close', async () => {
    const { body } = await get('/derivatives/api/v3/tickers/PF_SOLUSD');
    expect(TickerResponseSchema.parse(body).ticker.last).toBe(129);
  });
});
