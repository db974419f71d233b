import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { planEntries } from '../../engine/portfolio/entry-planner.ts';
import { reconcile } from '../../engine/positions/reconcile.ts';
import { syncWithExchange } from '../../engine/positions/sync.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import type { RiskContext } from '../../engine/risk/types.ts';
import { instantFill, type Venue } from '../kit/scenarios.ts';
import { auction, candidate, d, fill, riskConfig } from '../kit/trading.ts';

async function riskCtx(v: Venue): Promise<RiskContext> {
  const account = await v.broker.account();
  return {
    now: v.now(),
    equity: account.equity,
    marginUsed: account.marginUsed,
    positions: await v.broker.positions(),
    activeSymbols: v.registry.activeSymbols(),
    systemState: 'NORMAL',
    instruments: v.instruments,
  };
}

describe('seed Bug 6: instant market fill before sync compounded entries (SPX 434 % of equity)', () => {
  it('layer 1: reconcile adopts the exchange quantity into the PENDING position (PENDING_ADOPTED), never archives it', async () => {
    const { venue: v, positionId } = await instantFill({ qty: 5 });
    expect(v.registry.get(positionId)).toMatchObject({ state: 'PENDING' });
    expect(v.registry.get(positionId)?.filledQty.toString()).toBe('0');

    const rm = new RiskManager(riskConfig(), new RecordingLogger());
    const { result, actions } = syncWithExchange({
      registry: v.registry,
      exchangePositions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
      ctx: v.reconcileCtx(),
      exposureGuard: rm.exposureGuard,
    });
    expect(result.items).toMatchObject([{ symbol: 'BTC', classification: 'PENDING_ADOPTED' }]);
    expect(v.logger.has('PENDING_ADOPTED')).toBe(true);
    await v.run(actions);

    const p = v.registry.get(positionId);
    expect(p?.state).toBe('OPEN');
    expect(p?.remainingQty.toString()).toBe('5');
    expect(p?.entrySizeInitial?.toString()).toBe('5');
    const stop = (await v.broker.openOrders()).find((o) => o.id === p?.stopOrderId);
    expect(stop).toMatchObject({ type: 'stop', reduceOnly: true, side: 'sell' });
    expect(stop?.qty.toString()).toBe('5');
  });

  it('the next cycle’s signal for the same symbol is refused: no second entry, exchange quantity unchanged', async () => {
    const { venue: v } = await instantFill({ qty: 5 });
    const logger = new RecordingLogger();
    const rm = new RiskManager(riskConfig({ signal_cooldown_hours: 0 }), logger);
    const sync = syncWithExchange({
      registry: v.registry,
      exchangePositions: await v.broker.positions(),
      openOrders: await v.broker.openOrders(),
      ctx: v.reconcileCtx(),
      exposureGuard: rm.exposureGuard,
    });
    await v.run(sync.actions);
    for (let cycle = 0; cycle < 5; cycle++) {
      const plan = planEntries([candidate({ ts: v.now() })], await riskCtx(v), {
        risk: rm,
        auction: auction(),
      });
      expect(plan.accepted).toEqual([]);
      expect(plan.rejected[0]).toMatchObject({ reason: 'POSITION_EXISTS' });
    }
    expect((await v.broker.positions()).map((p) => p.qty.toString())).toEqual(['5']);
  });

  it('layer 2: even with the registry lost, the exposure guard blocks the entry', async () => {
    const { venue: v } = await instantFill({ qty: 5 });
    const logger = new RecordingLogger();
    const rm = new RiskManager(riskConfig(), logger);
    rm.exposureGuard.update(await v.broker.positions());
    const ctx = { ...(await riskCtx(v)), activeSymbols: new Set<string>(), positions: [] };
    const r = rm.evaluate(candidate(), ctx);
    expect(r).toMatchObject({ approved: false, reason: 'EXCHANGE_EXPOSURE' });
    expect(logger.has(/Exchange has live exposure.*Blocking/)).toBe(true);
  });

  it('the late real entry fill after the adoption is not counted twice', async () => {
    const { venue: v, positionId } = await instantFill({ qty: 5 });
    const r = reconcile(v.registry.getAllActive(), await v.broker.positions(), v.reconcileCtx());
    for (const p of r.updated) v.registry.put(p);
    const t = v.registry.apply(
      positionId,
      { type: 'ENTRY_FILL', fill: fill({ symbol: 'BTC', qty: 5, price: 100, fee: d('0.25') }) },
      v.fsm('BTC'),
    );
    expect(t.actions).toEqual([]);
    expect(v.registry.get(positionId)?.remainingQty.toString()).toBe('5');
    expect(v.registry.get(positionId)?.fees.toString()).toBe('0.25');
  });

  it('a PENDING position with nothing on the exchange yet is left alone (awaiting fill)', async () => {
    const { venue: v, positionId } = await instantFill({ qty: 5 });
    const r = reconcile(v.registry.getAllActive(), [], v.reconcileCtx());
    expect(r.items).toMatchObject([{ classification: 'PENDING_AWAITING_FILL', positionId }]);
    expect(r.updated).toEqual([]);
    expect(r.actions).toEqual([]);
  });
});
