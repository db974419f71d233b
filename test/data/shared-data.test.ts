import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { type ImportOutcome, importCandlePaths, prepareCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { firstBitDifference } from './bits.ts';

/**
 * Imports every file of ../shared/data (CI has it; a fresh clone does not, so this skips itself) and
 * checks the store against the numbers of ../shared/data/README.md, and that the bundled sample holds
 * exactly the values of the CSVs it was made from.
 */
const SHARED = resolve(import.meta.dirname, '../../../shared/data');
const HOUR = 3_600_000;

describe.skipIf(!existsSync(SHARED))('every file of ../shared/data', () => {
  let store: CandleStore;
  let outcome: ImportOutcome;
  beforeAll(async () => {
    store = await CandleStore.open(':memory:');
    outcome = await importCandlePaths(store, [
      join(SHARED, 'binance-usdm-perp'),
      join(SHARED, 'binance-spot-1h'),
    ]);
  });
  afterAll(async () => {
    await store.close();
  });

  it('imports all 19 files without a refusal', () => {
    expect(outcome.failed).toEqual([]);
    expect(outcome.imported.length).toBe(19);
  });

  it('lists perpetual and spot apart, with the README row counts and spans', async () => {
    const list = await store.list();
    const perp1h = list.filter((s) => s.source === 'binance-usdm-perp' && s.timeframe === '1h');
    expect(perp1h.map((s) => s.symbol)).toEqual(['BNB', 'BTC', 'DOGE', 'ETH', 'SOL']);
    for (const s of perp1h) {
      expect(s.rows).toBeGreaterThanOrEqual(28_889);
      expect(s.rows).toBeLessThanOrEqual(35_064);
      expect(s.lastTs).toBe(Date.UTC(2023, 11, 31, 23));
      expect((s.lastTs - s.firstTs) / HOUR + 1).toBe(s.rows); // no gaps
    }
    for (const sym of ['BTC', 'ETH']) {
      expect(perp1h.find((s) => s.symbol === sym)?.firstTs).toBe(Date.UTC(2020, 0, 1));
    }
    const spot = list.filter((s) => s.source === 'binance-spot');
    expect(spot.map((s) => `${s.symbol} ${s.timeframe}`)).toEqual(['ADA 1h', 'BTC 1h', 'ETH 1h', 'XRP 1h']);
    for (const s of spot) {
      expect(s.rows).toBeGreaterThanOrEqual(23_988);
      expect(s.rows).toBeLessThanOrEqual(23_989);
      expect(s.firstTs).toBeGreaterThanOrEqual(Date.UTC(2021, 3, 4, 20));
    }
    expect(list.filter((s) => s.source === 'binance-usdm-perp').length).toBe(15);
  });

  it('reports the 5 maintenance gaps of each spot file and none in the perpetuals', () => {
    for (const r of outcome.imported) {
      expect({ file: r.path, gaps: r.gaps.length }).toEqual({
        file: r.path,
        gaps: r.source === 'binance-spot' ? 5 : 0,
      });
    }
  });

  it('the bundled Parquet sample holds bit for bit the values of the publisher CSVs', async () => {
    for (const name of ['BTCUSDT_1h', 'SOLUSDT_4h', 'DOGEUSDT_1d']) {
      const csv = await prepareCandleFile(join(SHARED, 'binance-usdm-perp', `${name}.csv`));
      const pq = await prepareCandleFile(join(BUNDLED_SAMPLE_DIR, 'binance-usdm-perp', `${name}.parquet`));
      expect(firstBitDifference(pq.series, csv.series)).toBeNull();
    }
  });
});
