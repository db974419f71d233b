import { describe, expect, it } from 'vitest';
import { seriesFromCloses } from '../../data/synthetic/scripted.ts';
import { alignDown, TIMEFRAME_MS } from '../../data/timeframes.ts';
import { windowOf } from '../kraken/fake/candle-source.ts';
import { CandleCache } from './candle-cache.ts';
import type { CandleFeed } from './candle-feed.ts';
import { mapLimit } from './concurrency.ts';

const M15 = TIMEFRAME_MS['15m'];
const T0 = Date.UTC(2024, 0, 1);
const all = seriesFromCloses(
  Array.from({ length: 200 }, (_, i) => 100 + i),
  { symbol: 'BTC', timeframe: '15m', start: T0 },
);

/** A feed over `all` that serves closed bars only and counts its calls. */
function countingFeed(): CandleFeed & { calls: number } {
  const feed = {
    calls: 0,
    async closedBars(_symbol: string, _tf: '15m', from: number, now: number) {
      feed.calls++;
      return windowOf(all, from, alignDown(now, '15m') - 1);
    },
  };
  return feed as CandleFeed & { calls: number };
}

describe('candle-boundary caching (seed §14, §15)', () => {
  it('fetches only when a new bar closed since the last fetch, and never twice within 30 s', async () => {
    const feed = countingFeed();
    const cache = new CandleCache(feed, '15m', { historyMs: 10 * M15 });
    const start = T0 + 50 * M15 + 5_000; // bar #49 closed 5 s ago
    expect(cache.due('BTC', start)).toBe(true);
    expect(await cache.refresh('BTC', start)).toBe(10); // bars #40..#49 (closed ones only)
    const s = cache.series('BTC');
    expect(s?.ts[s.length - 1]).toBe(T0 + 49 * M15);
    expect(cache.due('BTC', start + 60_000)).toBe(false); // same bar still forming
    const next = T0 + 51 * M15 + 1_000; // bar #50 closed a second ago
    expect(cache.due('BTC', next)).toBe(true);
    expect(await cache.refresh('BTC', next)).toBe(1); // only the new bar
    expect(cache.series('BTC')?.length).toBe(11);
    // a boundary crossed, but only 20 s after the last fetch: the floor holds it back
    const fetchedAt = T0 + 52 * M15 - 10_000;
    await cache.refresh('BTC', fetchedAt);
    expect(cache.due('BTC', T0 + 52 * M15 + 10_000)).toBe(false);
    expect(cache.due('BTC', T0 + 52 * M15 + 25_000)).toBe(true);
    expect(feed.calls).toBe(3);
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure after the started calls settle', async () => {
    let settled = 0;
    const p = mapLimit([1, 2, 3], 3, async (x) => {
      await new Promise((r) => setTimeout(r, x));
      settled++;
      if (x === 1) throw new Error('one failed');
      return x;
    });
    await expect(p).rejects.toThrow('one failed');
    expect(settled).toBe(3);
  });
});
