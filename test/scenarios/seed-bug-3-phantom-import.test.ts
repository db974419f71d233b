import { describe, expect, it } from 'vitest';
import { reconcile } from '../../engine/positions/reconcile.ts';
import { syncWithExchange } from '../../engine/positions/sync.ts';
import { phantomPositions } from '../kit/scenarios.ts';
import { stopOrder } from '../kit/sim.ts';
import { openedPosition } from '../kit/trading.ts';

const REAL = [
  { symbol: 'ETH', side: 'long' as const, qty: '2', price: 2000 },
  { symbol: 'ZEC', side: 'short' as const, qty: '30', price: 40 },
  { symbol: 'RENDER', side: 'long' as const, qty: '100', price: 7 },
  { symbol: 'ENS', side: 'short' as const, qty: '50', price: 20 },
];

describe('seed Bug 3: phantom positions were market-closed at startup', () => {
  it('a restart with an empty registry imports the real positions and closes none', async () => {
    const v = phantomPositions(REAL);
    const before = (await v.broker.positions()).map((p) => [p.symbol, p.side, p.qty.toString()]);

    const { result, actions } = syncWithExchange({
      registry: v.registry,
      exchangePositions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
      ctx: v.reconcileCtx(),
    });
    expect(result.items.map((i) => i.classification)).toEqual(['PHANTOM', 'PHANTOM', 'PHANTOM', 'PHANTOM']);
    // nothing destructive was even proposed
    expect(actions.filter((a) => a.type === 'FLATTEN_ORPHAN' || a.type === 'CLOSE_POSITION')).toEqual([]);
    expect(actions.filter((a) => a.type === 'NO_ACTION')).toHaveLength(4);
    await v.run(actions);

    const after = (await v.broker.positions()).map((p) => [p.symbol, p.side, p.qty.toString()]);
    expect(after).toEqual(before);
    // imported as OPEN (seed Bug 8: there is no PENDING_PROTECTION state) and protected
    const imported = v.registry.getAllActive();
    expect(imported.map((p) => [p.symbol, p.state, p.origin])).toEqual(
      REAL.map((r) => [r.symbol, 'OPEN', 'PHANTOM_IMPORT']),
    );
    const stops = (await v.broker.openOrders()).filter((o) => o.type === 'stop' && o.reduceOnly);
    expect(stops.map((o) => o.symbol).sort()).toEqual(REAL.map((r) => r.symbol).sort());
    for (const p of imported)
      expect(stops.find((o) => o.id === p.stopOrderId)?.qty.toString()).toBe(p.remainingQty.toString());
    expect(v.logger.has('PHANTOM')).toBe(true);
  });

  it('a stale registry (other positions) does not turn the unknown ones into closes', async () => {
    const v = phantomPositions([REAL[0]], { prices: { BTC: 100 } });
    // registry remembers a BTC position the exchange no longer has, and nothing about ETH
    const stale = openedPosition({ symbol: 'BTC', ctx: v.fsm('BTC') }).position;
    v.registry.put(stale);
    const r = reconcile(v.registry.getAllActive(), await v.broker.positions(), v.reconcileCtx());
    expect(r.items.find((i) => i.symbol === 'ETH')?.classification).toBe('PHANTOM');
    expect(r.actions.find((a) => a.symbol === 'ETH')).toMatchObject({ type: 'NO_ACTION' });
    expect(r.phantoms.map((p) => p.symbol)).toEqual(['ETH']);
  });

  it('adopts a stop already on the exchange instead of placing a second one', async () => {
    const v = phantomPositions([REAL[0]]);
    const existing = await v.broker.submitOrder(stopOrder('ETH', 'sell', '2', '1900'));
    const { actions } = syncWithExchange({
      registry: v.registry,
      exchangePositions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
      ctx: v.reconcileCtx(),
    });
    await v.run(actions);
    const p = v.registry.getActiveBySymbol('ETH');
    expect(p?.stopOrderId).toBe(existing.id);
    expect(p?.stopPrice.toString()).toBe('1900');
    expect((await v.broker.openOrders()).filter((o) => o.type === 'stop')).toHaveLength(1);
  });
});
