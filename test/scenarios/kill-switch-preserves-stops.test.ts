import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { KillSwitch } from '../../engine/safety/kill-switch.ts';
import { phantomPositions } from '../kit/scenarios.ts';
import { limitOrder, stopOrder, takeProfitOrder } from '../kit/sim.ts';
import { brokerWith } from '../kit/trading.ts';

async function bookWithEveryKind() {
  const v = phantomPositions([
    { symbol: 'BTC', side: 'long', qty: '2', price: 100 },
    { symbol: 'ETH', side: 'short', qty: '3', price: 50 },
  ]);
  const b = v.broker;
  const slBtc = await b.submitOrder(stopOrder('BTC', 'sell', '2', '95'));
  const slEth = await b.submitOrder(stopOrder('ETH', 'buy', '3', '55'));
  const tpBtc = await b.submitOrder(takeProfitOrder('BTC', 'sell', '1', '110'));
  const entry = await b.submitOrder(limitOrder('ETH', 'sell', '1', '60'));
  // a stop that is NOT reduce-only can open exposure: it is an entry, not protection
  const stopEntry = await b.submitOrder(stopOrder('BTC', 'buy', '1', '105', { reduceOnly: false }));
  return {
    v,
    ids: { slBtc: slBtc.id, slEth: slEth.id, tpBtc: tpBtc.id, entry: entry.id, stopEntry: stopEntry.id },
  };
}

describe('kill switch preserves reduce-only stop losses (seed §3b Feature 1, Bug 1 and 6 aftermath)', () => {
  it('cancels entries and take-profits, keeps every reduce-only stop, and says so in the log', async () => {
    const { v, ids } = await bookWithEveryKind();
    const logger = new RecordingLogger();
    const ks = new KillSwitch(logger);
    const r = await ks.activate(v.broker, 'MARGIN_CRITICAL', v.now(), 'test');

    const left = (await v.broker.openOrders()).map((o) => o.id).sort();
    expect(left).toEqual([ids.slBtc, ids.slEth].sort());
    expect(r).toEqual({ cancelled: 3, preservedStopLosses: 2, alreadyGone: 0, failed: 0 });
    expect(ks.state).toMatchObject({ active: true, reason: 'MARGIN_CRITICAL', activatedAt: v.now() });
    expect(logger.records.filter((x) => x.msg === 'Kill switch: PRESERVING stop loss order')).toHaveLength(2);
    const done = logger.records.find((x) => x.msg.startsWith('Kill switch: Order cleanup complete'));
    expect(done?.obj).toMatchObject({ cancelled: 3, preserved_stop_losses: 2 });
    expect(logger.has('Kill switch active')).toBe(true);
    // positions are left alone
    expect((await v.broker.positions()).map((p) => p.qty.toString())).toEqual(['2', '3']);
  });

  it('a failing cancel is counted and logged, and the other orders are still cancelled', async () => {
    const { v, ids } = await bookWithEveryKind();
    v.broker.hooks.failNext('cancel', 'network');
    const logger = new RecordingLogger();
    const r = await new KillSwitch(logger).activate(v.broker, 'MANUAL', v.now());
    expect(r.failed).toBe(1);
    expect(r.cancelled).toBe(2);
    const left = (await v.broker.openOrders()).map((o) => o.id);
    expect(left).toContain(ids.slBtc);
    expect(left).toContain(ids.slEth);
    expect(left).toHaveLength(3);
    expect(logger.has('Kill switch: cancel failed')).toBe(true);
  });

  it('an order already gone counts as gone, not as a failure', async () => {
    const { v, ids } = await bookWithEveryKind();
    const listed = await v.broker.openOrders(); // listed while the TP still existed …
    v.broker.hooks.vanishOrder(ids.tpBtc); // … then it disappears before the cancel
    const stale = brokerWith(v.broker, { openOrders: async () => listed });
    const r = await new KillSwitch(new RecordingLogger()).activate(stale, 'MANUAL', v.now());
    expect(r.alreadyGone).toBe(1);
    expect(r.failed).toBe(0);
  });

  it('the halt state is plain data that survives a restart', async () => {
    const { v } = await bookWithEveryKind();
    const ks = new KillSwitch(new RecordingLogger());
    await ks.activate(v.broker, 'DRAWDOWN_CRITICAL', v.now(), 'dd 16%');
    const persisted = JSON.parse(JSON.stringify(ks.state));
    const restarted = new KillSwitch(new RecordingLogger(), persisted);
    expect(restarted.isActive()).toBe(true);
    expect(restarted.state).toEqual({
      active: true,
      reason: 'DRAWDOWN_CRITICAL',
      activatedAt: v.now(),
      detail: 'dd 16%',
    });
  });
});
