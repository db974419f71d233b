import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../data/errors.ts';
import { importCandleFile, importCandlePaths } from '../../data/io/import-candles.ts';
import { CandleStore, type SeriesKey } from '../../data/store/candle-store.ts';

const dir = join(mkdtempSync(join(tmpdir(), 'smc-corrupt-')), 'binance-usdm-perp');
mkdirSync(dir);
const KEY: SeriesKey = { source: 'binance-usdm-perp', symbol: 'BTC', timeframe: '1h' };
const HEADER = 'Date,Open,High,Low,Close,Volume';
const row = (h: number, close = 100.5, high = 101, low = 99) =>
  `2020-01-01 ${String(h).padStart(2, '0')}:00:00+00:00,100,${high},${low},${close},10`;

// Six clean bars already stored.
const CLEAN = [HEADER, ...[0, 1, 2, 3, 4, 5].map((h) => row(h))].join('\n');
// Overlaps the stored bars with new closes (would overwrite them if half-applied), plus three bad rows.
const CORRUPT = [
  HEADER, //                              line 1
  row(3, 100.7), //                       line 2: would update a stored bar
  row(4, 100.7), //                       line 3
  '2020-01-01 05:00:00+00:00,100,101,99,1O0.2,10', // line 4: bad number (letter O)
  row(6), //                              line 5
  row(6, 100.6), //                       line 6: duplicate ts, different close
  row(7, 100.5, 98, 99), //               line 7: high 98 < low 99
  row(8), //                              line 8
].join('\n');

let store: CandleStore;
beforeAll(async () => {
  store = await CandleStore.open(join(dir, '..', 'store.duckdb'));
  writeFileSync(join(dir, 'BTCUSDT_1h.csv'), CLEAN);
  await importCandleFile(store, join(dir, 'BTCUSDT_1h.csv'));
  writeFileSync(join(dir, 'BTCUSDT_bad_1h.csv'), CORRUPT);
});
afterAll(async () => {
  await store.close();
});

describe('a corrupt file', () => {
  it('is refused with every bad row named, and the store is unchanged', async () => {
    const before = await store.read(KEY);
    const listBefore = await store.list();
    const err = await importCandleFile(store, join(dir, 'BTCUSDT_bad_1h.csv')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const ue = err as UserError;
    expect(ue.message).toMatch(
      /^refused '.*BTCUSDT_bad_1h\.csv': 1 unparseable, 1 duplicate, 1 high-below-low/,
    );
    expect(ue.message).toMatch(/--repair/);
    expect(ue.details).toEqual([
      "line 4: close '1O0.2' is not a number",
      'line 6: time 2020-01-01T06:00:00Z repeats line 5 (different values)',
      'line 7: high 98 is below low 99',
    ]);
    expect(await store.list()).toEqual(listBefore);
    expect(await store.read(KEY)).toEqual(before);
    expect((await store.read(KEY)).close[3]).toBe(100.5);
  });

  it('in a folder import, is reported while the other files are imported', async () => {
    const outcome = await importCandlePaths(store, [dir]);
    expect(outcome.imported.map((r) => r.rowsStored)).toEqual([6]);
    expect(outcome.failed.map((f) => f.details.length)).toEqual([3]);
  });

  it('with --repair imports the usable rows and says what it dropped', async () => {
    const r = await importCandleFile(store, join(dir, 'BTCUSDT_bad_1h.csv'), { repair: true });
    expect(r.repairs).toEqual([
      'dropped 2 row(s) that cannot be repaired (1 unparseable, 1 high-below-low): lines 4, 7',
      'dropped 1 duplicate row(s) with different values, kept the first in the file: line 6',
    ]);
    expect([r.rowsRead, r.rowsStored, r.inserted, r.updated, r.unchanged]).toEqual([7, 4, 2, 2, 0]);
    expect(r.gaps.map((g) => g.missing)).toEqual([1, 1]); // in the file's usable rows: 05:00 and 07:00
    const after = await store.read(KEY);
    expect([...after.ts].map((t) => new Date(t).getUTCHours())).toEqual([0, 1, 2, 3, 4, 5, 6, 8]);
    expect([...after.close]).toEqual([100.5, 100.5, 100.5, 100.7, 100.7, 100.5, 100.5, 100.5]);
  });
});
