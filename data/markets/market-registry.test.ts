import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseMarketRegistryConfig } from './config.ts';
import {
  applyDiscovery,
  classifyMarket,
  type Discovery,
  discoverUniverse,
  isRefreshDue,
  type MarketLogger,
  MarketRegistry,
  type MarketSnapshot,
  spreadPct,
} from './market-registry.ts';

class Recorder implements MarketLogger {
  readonly lines: Array<{ level: string; msg: string; obj: object }> = [];
  info(obj: object, msg: string) {
    this.lines.push({ level: 'info', msg, obj });
  }
  warn(obj: object, msg: string) {
    this.lines.push({ level: 'warn', msg, obj });
  }
  count(pattern: string) {
    return this.lines.filter((l) => l.msg.includes(pattern)).length;
  }
}

const config = parseMarketRegistryConfig();
const HOUR = 3_600_000;

/** A snapshot with the given USD volume and spread in percent around a mid of 100. */
function snap(symbol: string, volumeUsd24h: number, spread = 0.05, tradeable = true): MarketSnapshot {
  const half = spread / 2;
  return { symbol, volumeUsd24h, bid: 100 - half, ask: 100 + half, tradeable };
}

function discoveryOf(n: number, prefix = 'C'): Discovery {
  return {
    symbols: Array.from({ length: n }, (_, i) => ({
      symbol: `${prefix}${i}`,
      tier: 'B' as const,
      pinned: false,
      volumeUsd24h: 1e6,
      spreadPct: 0.1,
    })),
    excluded: [],
  };
}

describe('config', () => {
  it('has the seed defaults', () => {
    expect(config.pinnedTierA).toEqual(['BTC', 'ETH', 'SOL', 'DOGE', 'BNB']);
    expect(config.tiers.A.minVolumeUsd).toBe(5_000_000);
    expect(config.tiers.B.minVolumeUsd).toBe(500_000);
    expect(config.tiers.C.minVolumeUsd).toBe(250_000);
    expect(config.shrinkRejectRatio).toBe(0.5);
    expect(config.refreshIntervalMs).toBe(4 * HOUR);
  });

  it('refuses inverted tier thresholds and names the field', () => {
    const bad = { tiers: { A: { minVolumeUsd: 100, maxSpreadPct: 0.1 } } };
    expect(() => parseMarketRegistryConfig(bad)).toThrow(UserError);
    expect(() => parseMarketRegistryConfig(bad)).toThrow('market_registry.tiers: minVolumeUsd');
    expect(() => parseMarketRegistryConfig({ shrinkRejectRatio: 2 })).toThrow(
      'market_registry.shrinkRejectRatio',
    );
  });
});

describe('classifyMarket: tiers from volume and spread (seed §2)', () => {
  it.each([
    [5_000_000, 0.05, 'A'],
    [4_999_999, 0.05, 'B'],
    [5_000_000, 0.2, 'B'], // volume of A, spread of B
    [500_000, 0.25, 'B'],
    [499_999, 0.05, 'C'],
    [250_000, 0.5, 'C'],
  ])('volume %d, spread %d%% → tier %s', (vol, spread, tier) => {
    const r = classifyMarket(snap('ARB', vol, spread), config);
    expect('tier' in r && r.tier).toBe(tier);
  });

  it.each([
    [249_999, 0.05, 'BELOW_TIER_C'],
    [10_000_000, 0.6, 'BELOW_TIER_C'],
    [Number.NaN, 0.05, 'NO_MARKET_DATA'],
  ])('volume %d, spread %d%% → excluded %s', (vol, spread, reason) => {
    const r = classifyMarket(snap('ARB', vol, spread), config);
    expect('reason' in r && r.reason).toBe(reason);
  });

  it('a crossed or empty book is no market data', () => {
    expect(Number.isNaN(spreadPct(101, 100))).toBe(true);
    const r = classifyMarket({ symbol: 'ARB', volumeUsd24h: 1e7, bid: 0, ask: 1, tradeable: true }, config);
    expect('reason' in r && r.reason).toBe('NO_MARKET_DATA');
  });

  it('pinned Tier A majors bypass filters, with the seed log line', () => {
    const log = new Recorder();
    for (const s of ['PF_XBTUSD', 'ETH', 'SOL/USD', 'PF_XDGUSD', 'BNB']) {
      const r = classifyMarket(snap(s, 0, 5), config, log);
      expect(r).toMatchObject({ tier: 'A', pinned: true });
    }
    expect(log.count('Tier A coin bypassing filters (trusted major)')).toBe(5);
    // a non-pinned coin with the same numbers is excluded
    expect(classifyMarket(snap('XRP', 0, 5), config)).toMatchObject({ reason: 'BELOW_TIER_C' });
  });

  it('a suspended pinned major is still not tradeable', () => {
    expect(classifyMarket(snap('BTC', 1e9, 0.01, false), config)).toMatchObject({ reason: 'NOT_TRADEABLE' });
  });
});

describe('discoverUniverse', () => {
  it('classifies candidates in order, dedupes forms, excludes unlisted', () => {
    const d = discoverUniverse(
      ['BTC/USD', 'XBT', 'ARB/USD', 'FOO/USD', 'TINY/USD', 'BNB/USD'],
      [
        snap('PF_XBTUSD', 1e9),
        snap('PF_ARBUSD', 600_000, 0.2),
        snap('PF_TINYUSD', 1000),
        snap('PF_BNBUSD', 10),
      ],
      config,
    );
    expect(d.symbols.map((s) => [s.symbol, s.tier])).toEqual([
      ['BTC', 'A'],
      ['ARB', 'B'],
      ['BNB', 'A'],
    ]);
    expect(d.excluded.map((e) => [e.symbol, e.reason])).toEqual([
      ['FOO', 'NOT_LISTED'],
      ['TINY', 'BELOW_TIER_C'],
    ]);
  });

  it('a pinned major the venue does not list is not invented', () => {
    const d = discoverUniverse(['SOL'], [], config);
    expect(d.symbols).toEqual([]);
    expect(d.excluded[0]).toMatchObject({ symbol: 'SOL', reason: 'NOT_LISTED' });
  });
});

describe('applyDiscovery: universe shrink protection (seed §15.2)', () => {
  it('the first discovery is accepted even though it is far below the candidate list', () => {
    // 243 candidates → 45 eligible is normal, not a shrink
    const candidates = Array.from({ length: 243 }, (_, i) => `C${i}`);
    const snaps = candidates.slice(0, 45).map((c) => snap(c, 1e6, 0.1));
    const d = discoverUniverse(candidates, snaps, config);
    const u = applyDiscovery(null, d, 0, config);
    expect(u).toMatchObject({ accepted: true, event: 'UNIVERSE_INITIALISED' });
    expect(u.state?.lastDiscoverySize).toBe(45);
  });

  it('rejects a discovery below 50% of the LAST discovery and keeps the old universe', () => {
    const log = new Recorder();
    const first = applyDiscovery(null, discoveryOf(45), 0, config, log);
    const u = applyDiscovery(first.state, discoveryOf(22), 4 * HOUR, config, log);
    expect(u.accepted).toBe(false);
    expect(u.event).toBe('UNIVERSE_SHRINK_REJECTED');
    expect(u.state?.symbols).toHaveLength(45);
    expect(u.state?.lastRefreshTs).toBe(4 * HOUR);
    expect(u.removed).toEqual([]);
    expect(log.count('UNIVERSE_SHRINK_REJECTED')).toBe(1);
    expect(log.count('SYMBOL_REMOVED')).toBe(0);
  });

  it('accepts exactly 50% (the rule is "smaller than")', () => {
    const first = applyDiscovery(null, discoveryOf(44), 0, config);
    expect(applyDiscovery(first.state, discoveryOf(22), 1, config).accepted).toBe(true);
  });

  it('a rejected discovery does not become the baseline (no ratchet down)', () => {
    const s0 = applyDiscovery(null, discoveryOf(40), 0, config).state;
    const r1 = applyDiscovery(s0, discoveryOf(10), 1, config);
    expect(r1.accepted).toBe(false);
    // 15 is > 50% of the rejected 10 but < 50% of the last accepted 40
    const r2 = applyDiscovery(r1.state, discoveryOf(15), 2, config);
    expect(r2.accepted).toBe(false);
    expect(r2.state?.lastDiscoverySize).toBe(40);
  });

  it('baseline follows accepted discoveries down gradually', () => {
    let state = applyDiscovery(null, discoveryOf(40), 0, config).state;
    state = applyDiscovery(state, discoveryOf(25), 1, config).state; // 62%: accepted
    const u = applyDiscovery(state, discoveryOf(13), 2, config); // 52% of 25
    expect(u.accepted).toBe(true);
    expect(u.state?.lastDiscoverySize).toBe(13);
  });

  it('an empty discovery is rejected, first or not', () => {
    expect(applyDiscovery(null, discoveryOf(0), 0, config)).toMatchObject({
      accepted: false,
      event: 'UNIVERSE_EMPTY_REJECTED',
      state: null,
    });
  });

  it('logs SYMBOL_ADDED / SYMBOL_REMOVED and reports tier changes', () => {
    const log = new Recorder();
    const reg = new MarketRegistry({}, log);
    reg.refresh(['BTC', 'ARB', 'OP'], [snap('BTC', 1e9), snap('ARB', 6e6), snap('OP', 6e6)], 0);
    expect(log.count('SYMBOL_ADDED')).toBe(0); // the initial universe is not a change
    const u = reg.refresh(
      ['BTC', 'ARB', 'OP', 'SUI'],
      [snap('BTC', 1e9), snap('ARB', 6e5), snap('SUI', 6e6)],
      5 * HOUR,
    );
    expect(u.added).toEqual(['SUI']);
    expect(u.removed).toEqual(['OP']);
    expect(u.tierChanged).toEqual([['ARB', 'A', 'B']]);
    expect(log.lines.filter((l) => l.msg.startsWith('SYMBOL_ADDED')).map((l) => l.obj)).toEqual([
      { symbol: 'SUI', tier: 'A' },
    ]);
    expect(log.count('SYMBOL_REMOVED OP')).toBe(1);
    expect(reg.symbols()).toEqual(['BTC', 'ARB', 'SUI']);
    expect(reg.tierOf('PF_ARBUSD')).toBe('B');
    expect(reg.isTradeable('OP')).toBe(false);
  });
});

describe('isRefreshDue: 4 h cadence (seed §15.1)', () => {
  it.each([
    [null, 0, true],
    [0, 4 * HOUR - 1, false],
    [0, 4 * HOUR, true],
    [10 * HOUR, 13 * HOUR, false],
  ])('last %s, now %d → %s', (last, now, due) => {
    expect(isRefreshDue(last, now)).toBe(due);
  });

  it('a rejected refresh still waits a full interval before the next try', () => {
    const reg = new MarketRegistry();
    reg.refresh(
      ['A1', 'A2', 'A3', 'A4'],
      ['A1', 'A2', 'A3', 'A4'].map((s) => snap(s, 1e6, 0.1)),
      0,
    );
    const u = reg.refresh(['A1', 'A2', 'A3', 'A4'], [snap('A1', 1e6, 0.1)], 4 * HOUR);
    expect(u.event).toBe('UNIVERSE_SHRINK_REJECTED');
    expect(reg.isRefreshDue(4 * HOUR + 1)).toBe(false);
    expect(reg.isRefreshDue(8 * HOUR)).toBe(true);
    expect(reg.symbols()).toHaveLength(4);
  });
});
