import { describe, expect, it } from 'vitest';
import {
  candidate,
  d,
  exchangePosition,
  instrument,
  riskContext,
  riskManager,
} from '../../test/kit/trading.ts';
import { RecordingLogger } from '../log.ts';
import { RiskManager } from './risk-manager.ts';

describe('RiskManager sizing', () => {
  it('sizes by risk per trade: 1 % of 10 000 over a 10-point stop is 10 units', () => {
    const r = riskManager().evaluate(candidate({ entry: d(100), stop: d(90) }), riskContext());
    expect(r.approved).toBe(true);
    if (!r.approved) return;
    expect(r.qty.toString()).toBe('10');
    expect(r.notional.toString()).toBe('1000');
    expect(r.margin.toFixed(6)).toBe((1000 / 7).toFixed(6));
    expect(r.caps).toEqual([]);
  });

  it('quantizes the quantity DOWN to the step', () => {
    // 1 % of 10 000 / (3 − 2.4) = 166.666… units at 3 → notional 500 (under the 25 % cap)
    const r = riskManager().evaluate(candidate({ entry: d(3), stop: d('2.4') }), riskContext());
    expect(r.approved && r.qty.toString()).toBe('166.666');
  });

  it('rejects a quantity below the instrument minimum', () => {
    const ctx = riskContext({
      instruments: new Map([['BTC', instrument('BTC', { qtyStep: '1', minQty: '1' })]]),
    });
    const r = riskManager({ min_notional_viable: 0 }).evaluate(
      candidate({ entry: d(60_000), stop: d(50_000) }),
      ctx,
    );
    expect(r).toMatchObject({ approved: false, reason: 'BELOW_MIN_QTY' });
  });

  it('a short needs its stop above the entry', () => {
    expect(riskManager().evaluate(candidate({ side: 'short', stop: d(99) }), riskContext())).toMatchObject({
      approved: false,
      reason: 'INVALID_CANDIDATE',
    });
    expect(riskManager().evaluate(candidate({ side: 'short' }), riskContext()).approved).toBe(true);
  });
});

describe('RiskManager gates', () => {
  it.each([
    ['DEGRADED', 'SYSTEM_DEGRADED'],
    ['HALTED', 'SYSTEM_HALTED'],
  ] as const)('%s refuses new entries', (state, reason) => {
    expect(riskManager().evaluate(candidate(), riskContext({ systemState: state }))).toMatchObject({
      reason,
    });
  });

  it('refuses a symbol the registry already holds', () => {
    expect(
      riskManager().evaluate(candidate(), riskContext({ activeSymbols: new Set(['BTC']) })),
    ).toMatchObject({
      reason: 'POSITION_EXISTS',
    });
  });

  it('refuses the 11th position when 10 are open or opening', () => {
    const positions = ['ETH', 'SOL', 'DOGE', 'BNB', 'XRP', 'ADA', 'LTC', 'DOT', 'AVAX'].map((s) =>
      exchangePosition(s, 'long', 1, 10),
    );
    const ctx = riskContext({ positions, pending: [{ symbol: 'LINK', notional: d(10), margin: d(1) }] });
    expect(riskManager().evaluate(candidate(), ctx)).toMatchObject({ reason: 'MAX_POSITIONS' });
    expect(riskManager().evaluate(candidate(), { ...ctx, pending: [] }).approved).toBe(true);
  });

  it('spread above 1 % rejects with SIGNAL_REJECTED_SPREAD; an error in the check lets the trade through, logged', () => {
    const logger = new RecordingLogger();
    const rm = riskManager({}, logger);
    const wide = riskContext({ spreads: new Map([['BTC', { kind: 'quote', bid: d(99), ask: d('100.2') }]]) });
    expect(rm.evaluate(candidate(), wide)).toMatchObject({ reason: 'SPREAD_TOO_WIDE' });
    expect(logger.has('SIGNAL_REJECTED_SPREAD')).toBe(true);

    const narrow = riskContext({
      spreads: new Map([['BTC', { kind: 'quote', bid: d('99.9'), ask: d('100.1') }]]),
    });
    expect(rm.evaluate(candidate(), narrow).approved).toBe(true);

    const broken = riskContext({
      spreads: new Map([['BTC', { kind: 'error', error: new Error('timeout') }]]),
    });
    expect(rm.evaluate(candidate(), broken).approved).toBe(true);
    const rec = logger.records.find((r) => r.msg.includes('fail-open'));
    expect(rec?.obj).toMatchObject({ symbol: 'BTC', err: 'timeout' });
  });

  it('refuses a symbol without an instrument', () => {
    expect(riskManager().evaluate(candidate({ symbol: 'NOPE' }), riskContext())).toMatchObject({
      reason: 'NO_INSTRUMENT',
    });
  });

  it('the margin budget caps a trade to the headroom below 90 % utilisation', () => {
    // 8 950 margin in use of 10 000 equity: 50 margin left = 350 notional at 7x
    const ctx = riskContext({ marginUsed: d(8_950) });
    const r = riskManager().evaluate(candidate({ stop: d(90) }), ctx);
    expect(r.approved && r.notional.toString()).toBe('350');
    expect(r.approved && r.caps.map((c) => c.cap)).toEqual(['margin_budget']);
    expect(riskManager().evaluate(candidate(), riskContext({ marginUsed: d(9_000) }))).toMatchObject({
      reason: 'MARGIN_BUDGET',
    });
  });

  it('admitSignal: the cooldown is a once-per-signal gate of 4 h that a suppressed signal does not extend', () => {
    const rm = riskManager();
    const t = 1_000_000;
    expect(rm.admitSignal('BTC', t)).toBe(true);
    expect(rm.admitSignal('BTC', t + 3_600_000)).toBe(false);
    expect(rm.admitSignal('BTC', t + 4 * 3_600_000 - 1)).toBe(false);
    expect(rm.admitSignal('BTC', t + 4 * 3_600_000)).toBe(true);
    expect(rm.admitSignal('ETH', t)).toBe(true);
    expect(rm.cooldown.activeCount(t + 4 * 3_600_000)).toBe(1);
  });

  it('snapshot → restore keeps cooldowns and the exchange symbols of the exposure guard', () => {
    const rm = riskManager();
    rm.admitSignal('BTC', 5);
    rm.exposureGuard.update([exchangePosition('ETH', 'long', 1, 10)]);
    const restored = new RiskManager(
      rm.config,
      new RecordingLogger(),
      JSON.parse(JSON.stringify(rm.snapshot())),
    );
    expect(restored.cooldown.isActive('BTC', 6)).toBe(true);
    expect(restored.evaluate(candidate({ symbol: 'ETH' }), riskContext())).toMatchObject({
      reason: 'EXCHANGE_EXPOSURE',
    });
  });
});
