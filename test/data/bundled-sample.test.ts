import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSampleFiles, importBundledSample } from '../../data/io/bundled-sample.ts';
import { readParquetMetadata } from '../../data/io/parquet.ts';
import { CandleStore } from '../../data/store/candle-store.ts';

/**
 * The bundled sample (data/samples) must hold exactly what ../shared/data/README.md describes: five USD-M
 * perpetuals, 1h from 2020 to 2023-12-31 23:00 (28,889–35,064 rows each) plus the publisher's 4h and 1d.
 */
const D = (s: string) => Date.parse(`${s}Z`);
const EXPECTED: Record<string, Record<'1h' | '4h' | '1d', [rows: number, first: string, last: string]>> = {
  BTC: {
    '1h': [35064, '2020-01-01T00:00', '2023-12-31T23:00'],
    '4h': [8766, '2020-01-01T00:00', '2023-12-31T20:00'],
    '1d': [1461, '2020-01-01T00:00', '2023-12-31T00:00'],
  },
  ETH: {
    '1h': [35064, '2020-01-01T00:00', '2023-12-31T23:00'],
    '4h': [8766, '2020-01-01T00:00', '2023-12-31T20:00'],
    '1d': [1461, '2020-01-01T00:00', '2023-12-31T00:00'],
  },
  BNB: {
    '1h': [34096, '2020-02-10T08:00', '2023-12-31T23:00'],
    '4h': [8524, '2020-02-10T08:00', '2023-12-31T20:00'],
    '1d': [1421, '2020-02-10T00:00', '2023-12-31T00:00'],
  },
  DOGE: {
    '1h': [30471, '2020-07-10T09:00', '2023-12-31T23:00'],
    '4h': [7618, '2020-07-10T08:00', '2023-12-31T20:00'],
    '1d': [1270, '2020-07-10T00:00', '2023-12-31T00:00'],
  },
  SOL: {
    '1h': [28889, '2020-09-14T07:00', '2023-12-31T23:00'],
    '4h': [7223, '2020-09-14T04:00', '2023-12-31T20:00'],
    '1d': [1204, '2020-09-14T00:00', '2023-12-31T00:00'],
  },
};

let store: CandleStore;
beforeAll(async () => {
  store = await CandleStore.open(':memory:');
});
afterAll(async () => {
  await store.close();
});

describe('bundled sample', () => {
  it('is 15 zstd Parquet files of a few MB with provenance metadata', async () => {
    const files = bundledSampleFiles();
    expect(files.length).toBe(15);
    const meta = await readParquetMetadata(files[0]);
    expect(meta.source).toBe('binance-usdm-perp');
    expect(meta.provenance).toMatch(/PixelAlpha-ai\/MarketTrend commit b29ecb07/);
  });

  it('imports to the right symbols, timeframes, row counts and date ranges', async () => {
    const status = await importBundledSample(store);
    expect(status.every((s) => s.status === 'imported')).toBe(true);
    const list = await store.list();
    expect(list.length).toBe(15);
    for (const s of list) {
      expect(s.source).toBe('binance-usdm-perp');
      const [rows, first, last] = EXPECTED[s.symbol][s.timeframe as '1h' | '4h' | '1d'];
      expect({
        key: `${s.symbol} ${s.timeframe}`,
        rows: s.rows,
        firstTs: s.firstTs,
        lastTs: s.lastTs,
      }).toEqual({
        key: `${s.symbol} ${s.timeframe}`,
        rows,
        firstTs: D(first),
        lastTs: D(last),
      });
      if (s.timeframe === '1h') {
        expect(s.rows).toBeGreaterThanOrEqual(28_889);
        expect(s.rows).toBeLessThanOrEqual(35_064);
        // no gaps: the span holds exactly `rows` hours
        expect((s.lastTs - s.firstTs) / 3_600_000 + 1).toBe(s.rows);
      }
    }
  });

  it('is idempotent: a second run reads nothing and changes nothing', async () => {
    const before = await store.list();
    const status = await importBundledSample(store);
    expect(status.map((s) => s.status)).toEqual(Array(15).fill('present'));
    expect(await store.list()).toEqual(before);
  });

  it('holds the real first BTC bar of the publisher file', async () => {
    const btc = await store.read(
      { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' },
      { to: D('2020-01-01T02:00') },
    );
    expect([...btc.open]).toEqual([7189.43, 7171.43]);
    expect([...btc.high]).toEqual([7190.52, 7225]);
    expect([...btc.low]).toEqual([7170.15, 7171.1]);
    expect([...btc.close]).toEqual([7171.55, 7210.24]);
    expect([...btc.volume]).toEqual([2449.049, 3865.038]);
  });
});
