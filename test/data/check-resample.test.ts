import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBundledSample } from '../../data/io/bundled-sample.ts';
import { formatTs } from '../../data/io/timestamp.ts';
import { checkResample } from '../../data/resample/check-resample.ts';
import { CandleStore } from '../../data/store/candle-store.ts';

/**
 * The publisher's 4h/1d files vs our resampled 1h (../shared/data/README.md): open/high/low agree on
 * every bar, a handful of bars per symbol differ in close or volume. The check must list exactly those.
 */
const EXPECTED: Record<string, { '4h': string[]; '1d': string[] }> = {
  BTC: {
    '4h': ['2022-07-16T04:00:00Z volume', '2023-11-10T12:00:00Z close', '2023-11-10T12:00:00Z volume'],
    '1d': ['2022-07-16T00:00:00Z volume', '2023-08-16T00:00:00Z volume'],
  },
  ETH: {
    '4h': ['2022-07-16T04:00:00Z volume', '2023-11-10T12:00:00Z close', '2023-11-10T12:00:00Z volume'],
    '1d': ['2022-07-16T00:00:00Z volume', '2023-08-16T00:00:00Z volume'],
  },
  SOL: {
    '4h': [
      '2022-07-16T04:00:00Z volume',
      '2023-11-10T08:00:00Z volume',
      '2023-11-10T12:00:00Z close',
      '2023-11-10T12:00:00Z volume',
    ],
    '1d': ['2022-07-16T00:00:00Z volume', '2023-08-16T00:00:00Z volume', '2023-11-10T00:00:00Z volume'],
  },
  DOGE: {
    '4h': ['2022-07-16T04:00:00Z volume', '2023-11-10T12:00:00Z close', '2023-11-10T12:00:00Z volume'],
    '1d': ['2022-07-16T00:00:00Z volume', '2023-08-16T00:00:00Z volume'],
  },
  BNB: {
    '4h': ['2022-07-16T04:00:00Z volume', '2023-11-10T08:00:00Z volume', '2023-11-10T12:00:00Z volume'],
    '1d': ['2022-07-16T00:00:00Z volume', '2023-08-16T00:00:00Z volume', '2023-11-10T00:00:00Z volume'],
  },
};

let store: CandleStore;
beforeAll(async () => {
  store = await CandleStore.open(':memory:');
  await importBundledSample(store);
});
afterAll(async () => {
  await store.close();
});

describe('check-resample against the publisher 4h/1d files', () => {
  it.each(Object.keys(EXPECTED))(
    '%s: every publisher bar is compared and exactly the known bars differ',
    async (symbol) => {
      const check = await checkResample(store, { symbol });
      expect(check.source).toBe('binance-usdm-perp');
      expect(check.base).toBe('1h');
      expect(check.results.map((r) => r.timeframe)).toEqual(['4h', '1d']);
      for (const r of check.results) {
        const tf = r.timeframe as '4h' | '1d';
        expect(r.onlyOurs).toEqual([]);
        expect(r.onlyTheirs).toEqual([]);
        expect(r.compared).toBe(r.theirsBars);
        expect(r.differingByField.open + r.differingByField.high + r.differingByField.low).toBe(0);
        expect(r.differences.map((d) => `${formatTs(d.ts)} ${d.field}`)).toEqual(EXPECTED[symbol][tf]);
        const bars = new Set(EXPECTED[symbol][tf].map((d) => d.split(' ')[0])).size;
        expect(r.differingBars).toBe(bars);
        expect(r.matching).toBe(r.compared - bars);
      }
    },
  );

  it('reports the values on both sides, e.g. BTC 4h 2023-11-10 12:00 close', async () => {
    const check = await checkResample(store, { symbol: 'BTC', targets: ['4h'] });
    const close = check.results[0].differences.find((d) => d.field === 'close');
    expect(close).toEqual({
      ts: Date.parse('2023-11-10T12:00:00Z'),
      field: 'close',
      ours: 37092.6,
      theirs: 37118.4,
    });
  });

  it('without a tolerance the float rounding of volume sums shows up as differences too', async () => {
    const strict = await checkResample(store, { symbol: 'BTC', targets: ['4h'], relTol: 0 });
    expect(strict.results[0].differingByField.volume).toBeGreaterThan(2);
    expect(strict.results[0].differingByField.close).toBe(1);
  });

  it('names what is missing', async () => {
    await expect(checkResample(store, { symbol: 'XRP' })).rejects.toThrow(/no XRP candles/);
  });
});
