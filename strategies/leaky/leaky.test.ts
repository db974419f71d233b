import { describe, expect, it } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { type CandlesByTimeframe, unpackAction } from '../strategy.ts';
import { LeakyStrategy } from './leaky.ts';

const H = TIMEFRAME_MS['1h'];
const closes = [100, 101, 99, 99.1, 103, 102];
const base = seriesFromColumns(
  { source: 't', symbol: 'BTC', timeframe: '1h' },
  {
    ts: closes.map((_, i) => i * H),
    open: closes,
    high: closes,
    low: closes,
    close: closes,
    volume: closes.map(() => 1),
  },
);

function actions(strategy: LeakyStrategy, candles: CandlesByTimeframe = { '1h': base }): number[] {
  const p = strategy.prepare({ symbol: 'BTC', baseTimeframe: '1h', candles });
  return closes.map((_, i) => unpackAction(p.decide(i)));
}

describe('the deliberately leaky test strategy', () => {
  it('next_close decides on the next bar’s close (the leak), threshold 0.2%', () => {
    // next/this: 1.01 ↑, 0.980 ↓, 1.001 (inside 0.2%), 1.039 ↑, 0.990 ↓, none after the last bar
    expect(actions(new LeakyStrategy({ leak: 'next_close' }))).toEqual([1, -1, 0, 1, -1, 0]);
  });

  it('none is the same rule on the previous close: honest', () => {
    expect(actions(new LeakyStrategy({ leak: 'none' }))).toEqual([0, -1, 1, 0, -1, 1]);
  });

  it('open_daily_bar reads the close of the day the bar is in, before the day ends', () => {
    const day = seriesFromColumns(
      { source: 't', symbol: 'BTC', timeframe: '1d' },
      { ts: [0], open: [100], high: [103], low: [99], close: [102], volume: [6] },
    );
    // every bar compares its close with 102, the day's close
    expect(actions(new LeakyStrategy({ leak: 'open_daily_bar' }), { '1h': base, '1d': day })).toEqual([
      1, 1, 1, 1, -1, 0,
    ]);
    const d = new LeakyStrategy({ leak: 'open_daily_bar' })
      .prepare({ symbol: 'BTC', baseTimeframe: '1h', candles: { '1h': base, '1d': day } })
      .describe(0);
    expect(d.trace.peek).toBe(102);
    expect([d.entry, d.stop, d.tp1]).toEqual([100, 99, 101]);
  });
});
