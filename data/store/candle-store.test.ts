import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { CandleStore } from './candle-store.ts';
import { inferSourceFromPath, parseSource } from './source.ts';

const H = 3_600_000;
const T0 = Date.UTC(2021, 0, 1);

function series(source: string, symbol: string, from: number, count: number, bump = 0): CandleSeries {
  const idx = Array.from({ length: count }, (_, i) => from + i);
  return seriesFromColumns(
    { source, symbol, timeframe: '1h' },
    {
      ts: idx.map((i) => T0 + i * H),
      open: idx.map((i) => 100 + i + bump),
      high: idx.map((i) => 101.5 + i + bump),
      low: idx.map((i) => 99.25 + i + bump),
      close: idx.map((i) => 100.1 + i + bump),
      volume: idx.map((i) => 0.1 * i + 1e-7),
    },
  );
}

const open: CandleStore[] = [];
async function memStore(): Promise<CandleStore> {
  const s = await CandleStore.open(':memory:');
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('CandleStore', () => {
  it('reads back exactly what was written, as float64 columns', async () => {
    const store = await memStore();
    const s = series('binance-usdm-perp', 'BTC', 0, 5000);
    expect(await store.upsert(s)).toEqual({ inserted: 5000, updated: 0, unchanged: 0 });
    const back = await store.read({ source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' });
    expect(back.length).toBe(5000);
    expect(back.ts).toBeInstanceOf(Float64Array);
    for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(back[c]).equals(bytes(s[c]))).toBe(true);
    }
  });

  it('upsert is idempotent and counts new, changed and unchanged rows', async () => {
    const store = await memStore();
    const key = { source: 'synthetic', symbol: 'ETH', timeframe: '1h' as const };
    await store.upsert(series('synthetic', 'ETH', 0, 100));
    expect(await store.upsert(series('synthetic', 'ETH', 0, 100))).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 100,
    });
    // 50..149 with 50..99 changed: 50 updated, 50 new
    expect(await store.upsert(series('synthetic', 'ETH', 50, 100, 1))).toEqual({
      inserted: 50,
      updated: 50,
      unchanged: 0,
    });
    const back = await store.read(key);
    expect(back.length).toBe(150);
    expect(back.open[49]).toBe(149);
    expect(back.open[50]).toBe(151);
    expect((await store.list())[0]).toMatchObject({ rows: 150, firstTs: T0, lastTs: T0 + 149 * H });
  });

  it('reads in time order after older bars are backfilled behind newer ones', async () => {
    const store = await memStore();
    await store.upsert(series('synthetic', 'BTC', 100, 50));
    await store.upsert(series('synthetic', 'BTC', 0, 50));
    await store.upsert(series('synthetic', 'BTC', 120, 10, 2)); // rewrite some in the middle
    const back = await store.read({ source: 'synthetic', symbol: 'BTC', timeframe: '1h' });
    expect(back.length).toBe(100);
    for (let i = 1; i < back.length; i++) expect(back.ts[i]).toBeGreaterThan(back.ts[i - 1]);
    expect(back.open[70]).toBe(222);
    const part = await store.read(
      { source: 'synthetic', symbol: 'BTC', timeframe: '1h' },
      { from: T0 + 45 * H, to: T0 + 105 * H },
    );
    expect([...part.ts].map((t) => (t - T0) / H)).toEqual([45, 46, 47, 48, 49, 100, 101, 102, 103, 104]);
  });

  it('keeps sources apart, canonicalises symbols, and reads ranges [from, to)', async () => {
    const store = await memStore();
    await store.upsert(series('binance-usdm-perp', 'BTCUSDT', 0, 10));
    await store.upsert(series('binance-spot', 'BTC/USD', 0, 10, 5));
    const perp = await store.read({ source: 'binance-usdm-perp', symbol: 'PF_XBTUSD', timeframe: '1h' });
    const spot = await store.read({ source: 'binance-spot', symbol: 'XBT', timeframe: '1h' });
    expect(perp.symbol).toBe('BTC');
    expect(perp.open[0]).toBe(100);
    expect(spot.open[0]).toBe(105);
    const part = await store.read(
      { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' },
      { from: T0 + 2 * H, to: T0 + 5 * H },
    );
    expect([...part.ts]).toEqual([T0 + 2 * H, T0 + 3 * H, T0 + 4 * H]);
    expect((await store.list()).map((s) => `${s.source} ${s.symbol} ${s.rows}`)).toEqual([
      'binance-spot BTC 10',
      'binance-usdm-perp BTC 10',
    ]);
  });

  it('readMany keeps key order, reads unknown series as empty, and can allocate shared memory', async () => {
    const store = await memStore();
    await store.upsert(series('synthetic', 'SOL', 0, 3));
    await store.upsert(series('synthetic', 'DOGE', 0, 4));
    const [doge, none, sol] = await store.readMany(
      [
        { source: 'synthetic', symbol: 'DOGE', timeframe: '1h' },
        { source: 'synthetic', symbol: 'BNB', timeframe: '1h' },
        { source: 'synthetic', symbol: 'SOL', timeframe: '1h' },
      ],
      {},
      { shared: true },
    );
    expect([doge.length, none.length, sol.length]).toEqual([4, 0, 3]);
    expect(doge.ts.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(await store.lastTs({ source: 'synthetic', symbol: 'DOGE', timeframe: '1h' })).toBe(T0 + 3 * H);
    expect(await store.lastTs({ source: 'synthetic', symbol: 'BNB', timeframe: '1h' })).toBeNull();
  });

  it('refuses an unsorted or non-finite series and writes nothing', async () => {
    const store = await memStore();
    await store.upsert(series('synthetic', 'BTC', 0, 3));
    const bad = series('synthetic', 'BTC', 3, 3);
    bad.ts[2] = bad.ts[0];
    await expect(store.upsert(bad)).rejects.toThrow(/strictly increasing/);
    const nan = series('synthetic', 'BTC', 3, 3);
    nan.close[1] = Number.NaN;
    await expect(store.upsert(nan)).rejects.toThrow(/non-finite/);
    await expect(store.upsert(series('Binance Perp', 'BTC', 0, 1))).rejects.toBeInstanceOf(UserError);
    expect((await store.list()).map((s) => s.rows)).toEqual([3]);
  });

  it('persists to a file, reopens read-only, and refuses writes there', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'smc-store-')), 'nested', 'candles.duckdb');
    const w = await CandleStore.open(path);
    await w.upsert(series('synthetic', 'BTC', 0, 24));
    await w.close();
    const r = await CandleStore.open(path, { readOnly: true });
    expect((await r.read({ source: 'synthetic', symbol: 'BTC', timeframe: '1h' })).length).toBe(24);
    await expect(r.upsert(series('synthetic', 'BTC', 24, 1))).rejects.toThrow(/read-only/);
    await expect(CandleStore.open(path)).rejects.toThrow(/already open read-only in this process/);
    await r.close();
    const w2 = await CandleStore.open(path);
    const r2 = await CandleStore.open(path, { readOnly: true }); // shares the writer's instance, still read-only
    open.push(w2, r2);
    await w2.upsert(series('synthetic', 'BTC', 24, 1));
    expect((await r2.list())[0].rows).toBe(25);
    await expect(r2.upsert(series('synthetic', 'BTC', 25, 1))).rejects.toThrow(/read-only/);
    await expect(CandleStore.open(join(tmpdir(), 'nope', 'x.duckdb'), { readOnly: true })).rejects.toThrow(
      /does not exist/,
    );
  });

  it('rolls the whole upsert back when a statement inside the transaction fails', async () => {
    const store = await memStore();
    await store.upsert(series('synthetic', 'BTC', 0, 3));
    // Make the last write of the transaction fail, after the series row and the stage were written.
    const internals = store as unknown as { connection: { run(sql: string): Promise<unknown> } };
    const run = internals.connection.run.bind(internals.connection);
    internals.connection.run = async (sql: string, ...rest: unknown[]) => {
      if (sql.startsWith('INSERT INTO bars')) throw new Error('disk full (simulated)');
      return (run as (s: string, ...r: unknown[]) => Promise<unknown>)(sql, ...rest);
    };
    await expect(store.upsert(series('synthetic', 'BTC', 2, 5, 1))).rejects.toThrow(/disk full/);
    internals.connection.run = run;
    const back = await store.read({ source: 'synthetic', symbol: 'BTC', timeframe: '1h' });
    expect([...back.open]).toEqual([100, 101, 102]);
    expect(await store.upsert(series('synthetic', 'ETH', 0, 2))).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
  });
});

describe('sources', () => {
  it('infers the source from the folder of the ../shared/data layout only', () => {
    expect(inferSourceFromPath('/x/binance-usdm-perp/BTCUSDT_1h.csv')).toBe('binance-usdm-perp');
    expect(inferSourceFromPath('/x/binance-spot-1h/BTCUSDT_1h.csv')).toBe('binance-spot');
    expect(inferSourceFromPath('/synthetic/data/BTCUSDT_1h.csv')).toBeUndefined();
    expect(parseSource('krakenfutures')).toBe('krakenfutures');
    expect(() => parseSource('Kraken Futures')).toThrow(/--source 'Kraken Futures' is not a source name/);
  });
});
