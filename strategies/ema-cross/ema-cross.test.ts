import { describe, expect, it } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { unpackAction } from '../strategy.ts';
import { EmaCrossStrategy } from './ema-cross.ts';

function series(closes: number[]) {
  const ts = closes.map((_, i) => i * TIMEFRAME_MS['15m']);
  return seriesFromColumns(
    { source: 't', symbol: 'BTC', timeframe: '15m' },
    { ts, open: closes, high: closes, low: closes, close: closes, volume: closes.map(() => 1) },
  );
}

describe('EmaCrossStrategy', () => {
  // fast 2, slow 3: EMAs exist from bar 2; falling then rising closes cross up once, then down once.
  const closes = [10, 9, 8, 7, 6, 9, 12, 15, 14, 10, 6, 4];
  const prepared = new EmaCrossStrategy({ fast: 2, slow: 3 }).prepare({
    symbol: 'BTC',
    baseTimeframe: '15m',
    candles: { '15m': series(closes) },
  });
  const actions = closes.map((_, i) => unpackAction(prepared.decide(i)));

  it('signals exactly at the bars where the fast EMA crosses the slow one', () => {
    // Hand-computed: fast (α=2/3) and slow (α=1/2) seeded with SMAs at bars 1 and 2.
    // bars 2–4: fast − slow = −0.5; bar 5: fast 8.1667 > slow 8 → LONG.
    // bar 8: 13.858 > 13.25; bar 9: fast 11.286 < slow 11.625 → SHORT.
    const longs = actions.flatMap((a, i) => (a === 1 ? [i] : []));
    const shorts = actions.flatMap((a, i) => (a === -1 ? [i] : []));
    expect(longs).toEqual([5]);
    expect(shorts).toEqual([9]);
  });

  it('the decision time is the bar close and describe() agrees with decide()', () => {
    expect(prepared.decisionTime(5)).toBe(6 * TIMEFRAME_MS['15m']);
    const d = prepared.describe(5);
    expect(d.action).toBe('LONG');
    expect(d.entry).toBe(9);
    expect(prepared.describe(0).reasons).toEqual(['WARMUP']);
    expect(prepared.describe(4).reasons).toEqual(['NO_CROSS']);
  });

  it('refuses a fast period not shorter than the slow one', () => {
    expect(() => new EmaCrossStrategy({ fast: 50, slow: 20 })).toThrow(/shorter/);
  });
});
