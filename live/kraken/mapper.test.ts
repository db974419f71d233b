import { describe, expect, it } from 'vitest';
import { parseMarketRegistryConfig } from '../../data/markets/config.ts';
import { discoverUniverse } from '../../data/markets/market-registry.ts';
import { marketSnapshots, tickerToMarketSnapshot } from './mapper.ts';

describe('tickerToMarketSnapshot', () => {
  it('maps a PF_ ticker to canonical symbol, USD volume and book', () => {
    expect(
      tickerToMarketSnapshot({
        symbol: 'PF_XBTUSD',
        last: 50_000,
        vol24h: 200,
        bid: 49_999,
        ask: 50_001,
        suspended: false,
      }),
    ).toEqual({ symbol: 'BTC', volumeUsd24h: 10_000_000, bid: 49_999, ask: 50_001, tradeable: true });
  });

  it('prefers volumeQuote, reads string numbers, and marks suspended or untradeable markets', () => {
    expect(
      tickerToMarketSnapshot({
        symbol: 'PF_ETHUSD',
        last: '2000',
        vol24h: '1',
        volumeQuote: 7,
        bid: '1',
        ask: '2',
      }),
    ).toMatchObject({
      volumeUsd24h: 7,
      bid: 1,
    });
    expect(tickerToMarketSnapshot({ symbol: 'PF_ETHUSD', suspended: true })?.tradeable).toBe(false);
    expect(
      tickerToMarketSnapshot(
        { symbol: 'PF_ETHUSD' },
        { symbol: 'PF_ETHUSD', type: 'flexible_futures', tradeable: false },
      )?.tradeable,
    ).toBe(false);
  });

  it('skips indices and dated futures', () => {
    expect(tickerToMarketSnapshot({ symbol: 'in_xbtusd', last: 1 })).toBeNull();
    expect(tickerToMarketSnapshot({ symbol: 'FI_XBTUSD_240628', last: 1 })).toBeNull();
  });

  it('feeds MarketRegistry discovery', () => {
    const snaps = marketSnapshots([
      { symbol: 'PF_XDGUSD', last: 0.1, vol24h: 1, bid: 0.09, ask: 0.11 },
      { symbol: 'PF_ARBUSD', last: 1, vol24h: 600_000, bid: 0.9995, ask: 1.0005 },
      { symbol: 'in_xbtusd', last: 1 },
    ]);
    const d = discoverUniverse(['DOGE', 'ARB'], snaps, parseMarketRegistryConfig());
    expect(d.symbols.map((s) => [s.symbol, s.tier, s.pinned])).toEqual([
      ['DOGE', 'A', true],
      ['ARB', 'B', false],
    ]);
  });
});
