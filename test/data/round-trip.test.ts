import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { exportCandles } from '../../data/io/export-candles.ts';
import { importCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore, type SeriesKey } from '../../data/store/candle-store.ts';
import { firstBitDifference } from './bits.ts';

const dir = mkdtempSync(join(tmpdir(), 'smc-roundtrip-'));
const stores: CandleStore[] = [];
async function newStore(): Promise<CandleStore> {
  const s = await CandleStore.open(':memory:');
  stores.push(s);
  return s;
}
afterAll(async () => {
  for (const s of stores) await s.close();
});

/** A publisher-style CSV (17 significant digits) of floats whose shortest form is long or awkward. */
function awkwardRows(): number[][] {
  const t0 = Date.UTC(2022, 0, 1);
  return Array.from({ length: 500 }, (_, i) => {
    const low = 0.1 + 0.2 + i * 1.0000000000000002e-3; // 0.30000000000000004 and friends
    const high = low * 3 + 1e-12;
    const open = (low + high) / 2;
    const close = open + 1 / 7;
    const vol = i === 0 ? 0 : 123456789.12345679 / (i + 1);
    return [t0 + i * 3_600_000, open, high, low, close, vol];
  });
}
function awkwardCsv(rows: number[][]): string {
  const lines = rows.map(([t, ...v]) => {
    const d = new Date(t).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
    return [d, ...v.map((x) => x.toPrecision(17))].join(',');
  });
  return `Date,Open,High,Low,Close,Volume\n${lines.join('\n')}\n`;
}

describe('export → import round trips', () => {
  it('CSV → store → Parquet → new store → CSV is byte-identical (awkward floats)', async () => {
    const folder = join(dir, 'binance-usdm-perp');
    mkdirSync(folder, { recursive: true });
    const csv0 = join(folder, 'ETHUSDT_1h.csv');
    const rows = awkwardRows();
    writeFileSync(csv0, awkwardCsv(rows));
    const a = await newStore();
    const r = await importCandleFile(a, csv0);
    expect(r.rowsStored).toBe(500);
    const key: SeriesKey = { source: 'binance-usdm-perp', symbol: 'ETH', timeframe: '1h' };
    const csvA = join(dir, 'a.csv');
    const pq = join(dir, 'eth.parquet');
    await exportCandles(a, key, csvA);
    await exportCandles(a, key, pq);

    const b = await newStore();
    const rb = await importCandleFile(b, pq); // source, symbol and timeframe come from the file's metadata
    expect([rb.source, rb.symbol, rb.timeframe]).toEqual(['binance-usdm-perp', 'ETH', '1h']);
    const csvB = join(dir, 'b.csv');
    await exportCandles(b, key, csvB);
    expect(readFileSync(csvB)).toEqual(readFileSync(csvA));
    expect(firstBitDifference(await a.read(key), await b.read(key))).toBeNull();

    // and our own CSV re-imports to the same bits and the same bytes (a fixpoint)
    const c = await newStore();
    await importCandleFile(c, csvA, { source: 'binance-usdm-perp', symbol: 'ETH' });
    const csvC = join(dir, 'c.csv');
    await exportCandles(c, key, csvC);
    expect(readFileSync(csvC)).toEqual(readFileSync(csvA));
    // shortest round-trip form, not the 17 digits of the source file
    const [, o, h, l, cl, v] = rows[1].map((x) => Number(x.toPrecision(17)));
    expect(readFileSync(csvA, 'utf8').split('\n').slice(0, 3)).toEqual([
      'ts,open,high,low,close,volume',
      '2022-01-01T00:00:00Z,0.6000000000005001,0.9000000000010001,0.30000000000000004,0.7428571428576429,0',
      `2022-01-01T01:00:00Z,${o},${h},${l},${cl},${v}`,
    ]);
  });

  it('bundled BTC 1h: Parquet → store → Arrow IPC → new store is bit-identical; epoch-ms CSV too', async () => {
    const a = await newStore();
    await importCandleFile(a, join(BUNDLED_SAMPLE_DIR, 'binance-usdm-perp', 'BTCUSDT_1h.parquet'));
    const key: SeriesKey = { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' };
    const arrow = join(dir, 'btc.arrow');
    const rep = await exportCandles(a, key, arrow, { range: { from: Date.UTC(2023, 0, 1) } });
    expect(rep.rows).toBe(8760);
    const b = await newStore();
    const rb = await importCandleFile(b, arrow);
    expect([rb.source, rb.symbol, rb.timeframe, rb.rowsStored]).toEqual([
      'binance-usdm-perp',
      'BTC',
      '1h',
      8760,
    ]);
    expect(
      firstBitDifference(await a.read(key, { from: Date.UTC(2023, 0, 1) }), await b.read(key)),
    ).toBeNull();

    const msCsv = join(dir, 'btc-ms.csv');
    await exportCandles(a, key, msCsv, { csvTs: 'ms', range: { to: Date.UTC(2020, 0, 2) } });
    expect(readFileSync(msCsv, 'utf8').split('\n')[1]).toBe(
      '1577836800000,7189.43,7190.52,7170.15,7171.55,2449.049',
    );
    const c = await newStore();
    await importCandleFile(c, msCsv, { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' });
    expect(firstBitDifference(await a.read(key, { to: Date.UTC(2020, 0, 2) }), await c.read(key))).toBeNull();
  });

  it('refuses to export an empty selection and an unknown format', async () => {
    const a = await newStore();
    const key: SeriesKey = { source: 'synthetic', symbol: 'BTC', timeframe: '1h' };
    await expect(exportCandles(a, key, join(dir, 'x.csv'))).rejects.toThrow(/no synthetic BTC 1h candles/);
    await expect(exportCandles(a, key, join(dir, 'x.xlsx'))).rejects.toThrow(/--format csv\|parquet\|arrow/);
  });
});
