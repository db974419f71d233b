import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { planProtection, replaceStop, stopOrderRequest } from '../../engine/positions/protective-orders.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { InvariantMonitor } from '../../engine/safety/invariant-monitor.ts';
import { vanishedStop } from '../kit/scenarios.ts';
import { d, fill } from '../kit/trading.ts';

describe('seed Bug 7: a notFound on the old stop cancel aborted placing the new stop', () => {
  it('moving the stop after TP1 still places the new stop when the old one is gone', async () => {
    const { venue: v, positionId, vanishedOrderId } = await vanishedStop({ qty: 10 });
    const t = v.registry.apply(
      positionId,
      {
        type: 'TP_FILL',
        level: 1,
        fill: fill({ symbol: 'BTC', side: 'sell', qty: 5, price: 104, reduceOnly: true }),
      },
      v.fsm('BTC'),
    );
    expect(t.actions).toMatchObject([{ type: 'UPDATE_STOP', oldOrderId: vanishedOrderId }]);
    const r = await v.run(t.actions);
    expect(r).toEqual({ ok: 1, failed: 0 });
    expect(v.logger.has('Old SL cancel failed (proceeding to place new SL)')).toBe(true);

    const p = v.registry.get(positionId);
    const stops = (await v.broker.openOrders()).filter((o) => o.type === 'stop' && o.reduceOnly);
    expect(stops).toHaveLength(1);
    expect(stops[0].id).toBe(p?.stopOrderId);
    expect(stops[0].id).not.toBe(vanishedOrderId);
    expect(stops[0].triggerPrice?.toString()).toBe('100'); // break-even after TP1
    expect(stops[0].qty.toString()).toBe('5');
  });

  it('the protection backfill after a restart replaces the stale stop id, and the monitor sees no naked position', async () => {
    const { venue: v, positionId } = await vanishedStop({ qty: 10 });
    const p = v.registry.get(positionId);
    if (p === undefined) throw new Error('no position');
    const r = planProtection(p, await v.broker.openOrders(), d(100), v.fsm('BTC'));
    v.registry.put(r.position);
    await v.run(r.actions);
    const monitor = new InvariantMonitor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), v.now() - 3_600_000);
    const account = await v.broker.account();
    const report = monitor.check({
      now: v.now(),
      equity: account.equity,
      marginUsed: account.marginUsed,
      positions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
    });
    expect(report.nakedSymbols).toEqual([]);
  });

  it('any cancel failure (not only notFound) is logged and the placement goes ahead', async () => {
    const { venue: v, vanishedOrderId } = await vanishedStop({ qty: 10 });
    v.broker.hooks.failNext('cancel', 'network');
    const req = stopOrderRequest({
      clientId: 'x_sl-9',
      symbol: 'BTC',
      side: 'sell',
      qty: d(10),
      triggerPrice: d(97),
    });
    const r = await replaceStop(v.broker, vanishedOrderId, req, v.logger);
    expect(r.cancel).toBe('failed');
    expect((await v.broker.openOrders()).map((o) => o.id)).toContain(r.placed.id);
  });

  it('a failed placement is not hidden: it throws for the caller to handle', async () => {
    const { venue: v, vanishedOrderId } = await vanishedStop({ qty: 10 });
    v.broker.hooks.failNext('submit', 'exchange_unavailable');
    const req = stopOrderRequest({
      clientId: 'x_sl-9',
      symbol: 'BTC',
      side: 'sell',
      qty: d(10),
      triggerPrice: d(97),
    });
    await expect(replaceStop(v.broker, vanishedOrderId, req, v.logger)).rejects.toMatchObject({
      kind: 'exchange_unavailable',
    });
  });
});
