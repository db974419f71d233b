import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { candidate, d, exchangePosition, riskContext, riskManager } from '../kit/trading.ts';

describe('seed Bug 9 / Feature 3: the 200 % aggregate notional cap values positions at currentMarkPrice', () => {
  it('caps to the headroom left at the current mark, not at the entry price', () => {
    // 100 ETH entered at 10 (1 000) now marked at 180: 18 000 = 180 % of 10 000 equity; headroom 2 000
    const logger = new RecordingLogger();
    const rm = riskManager({}, logger);
    const r = rm.evaluate(
      candidate({ symbol: 'BTC' }),
      riskContext({ positions: [exchangePosition('ETH', 'long', 100, 10, 180)], marginUsed: d(0) }),
      { notionalOverride: d(2_500) },
    );
    expect(r.approved).toBe(true);
    if (!r.approved) return;
    expect(r.notional.toNumber()).toBeLessThanOrEqual(2_000);
    expect(r.notional.toNumber()).toBeGreaterThan(1_999);
    expect(r.caps.map((c) => c.cap)).toContain('aggregate_notional');
    expect(logger.has('Capping position notional by aggregate exposure limit')).toBe(true);
  });

  it('rejects when the marked exposure already uses the whole 200 %', () => {
    const r = riskManager().evaluate(
      candidate({ symbol: 'BTC' }),
      riskContext({ positions: [exchangePosition('ETH', 'long', 100, 10, 200)], marginUsed: d(0) }),
    );
    expect(r).toMatchObject({ approved: false, reason: 'AGGREGATE_NOTIONAL_CAP' });
  });

  it('counts short positions by absolute notional at the mark', () => {
    const r = riskManager().evaluate(
      candidate({ symbol: 'BTC' }),
      riskContext({ positions: [exchangePosition('ETH', 'short', 95, 300, 200)], marginUsed: d(0) }),
      { notionalOverride: d(2_000) },
    );
    expect(r.approved && r.notional.toNumber()).toBeLessThanOrEqual(1_000);
  });
});
