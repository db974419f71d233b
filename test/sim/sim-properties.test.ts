import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokerError, type OrderRequest, type Side } from '../../engine/broker.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { dec } from '../../engine/sim/decimal.ts';
import type { SimBroker } from '../../engine/sim/sim-broker.ts';
import {
  limitOrder,
  makeSimBroker,
  marketOrder,
  pushBar,
  stopOrder,
  T0,
  takeProfitOrder,
} from '../kit/sim.ts';

/**
 * Invariants of the simulated venue under arbitrary order flow and prices (fast-check):
 * - ledger conservation: balance − initial = realised P&L − fees − funding, exactly;
 * - no position quantity is ever negative, and the side agrees with the signed quantity;
 * - a reduce-only fill never increases |position| nor flips it;
 * - the fills of an order sum to its filled quantity, which never exceeds its quantity.
 */

type Step =
  | { t: 'market' | 'limit' | 'stop' | 'tp'; side: Side; qty: number; offset: number; reduceOnly: boolean }
  | { t: 'cancel'; pick: number }
  /** A reduce-only exit sized from the position (sometimes larger than it), as a trader places them. */
  | { t: 'exit'; kind: 'market' | 'limit' | 'stop' | 'tp'; sizePct: number; offset: number }
  | { t: 'bar'; move: number; up: number; down: number; volume: number }
  | { t: 'tick'; move: number; markGap: number };

const side = fc.constantFrom<Side>('buy', 'sell');
const orderStep = fc.record({
  t: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'tp' as const),
  side,
  qty: fc.integer({ min: 1, max: 400 }),
  offset: fc.integer({ min: -80, max: 80 }),
  reduceOnly: fc.boolean(),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: orderStep },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('exit' as const),
      kind: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'tp' as const),
      sizePct: fc.integer({ min: 10, max: 200 }),
      offset: fc.integer({ min: 0, max: 60 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('bar' as const),
      move: fc.integer({ min: -120, max: 120 }),
      up: fc.integer({ min: 0, max: 80 }),
      down: fc.integer({ min: 0, max: 80 }),
      volume: fc.integer({ min: 0, max: 2000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      move: fc.integer({ min: -60, max: 60 }),
      markGap: fc.integer({ min: -20, max: 20 }),
    }),
  },
);
const venue: fc.Arbitrary<VenueCfg> = fc.record({
  maxVolumeFraction: fc.option(fc.constantFrom(0.01, 0.1, 0.5), { nil: null }),
  reduceOnlyOversize: fc.constantFrom('clip' as const, 'reject' as const),
  slippageBps: fc.constantFrom(0, 2, 15),
  fundingRate: fc.constantFrom(0, 0.0001, -0.0003),
});

function requestFor(s: Extract<Step, { qty: number }>, last: number): OrderRequest {
  const qty = dec(s.qty).div(100); // 0.01 … 4 units
  const px = Math.max(1, last * (1 + s.offset / 1000));
  switch (s.t) {
    case 'market':
      return marketOrder('X', s.side, qty, s.reduceOnly);
    case 'limit':
      return limitOrder('X', s.side, qty, px.toFixed(2), s.reduceOnly);
    case 'stop':
      return stopOrder('X', s.side, qty, px.toFixed(2), { reduceOnly: s.reduceOnly });
    case 'tp':
      return takeProfitOrder('X', s.side, qty, px.toFixed(2), { reduceOnly: s.reduceOnly });
  }
}

interface Checked {
  broker: SimBroker;
  reduceOnlyFills: number;
  liquidations: number;
}

interface VenueCfg {
  maxVolumeFraction: number | null;
  reduceOnlyOversize: 'clip' | 'reject';
  slippageBps: number;
  fundingRate: number;
}

function runScenario(cfg: VenueCfg, steps: Step[]): Checked {
  const broker = makeSimBroker({
    equity: 200,
    leverage: 10,
    slippageBps: cfg.slippageBps,
    instruments: { X: { tickSize: '0.01', qtyStep: '0.01' } },
    config: {
      maxVolumeFraction: cfg.maxVolumeFraction,
      reduceOnlyOversize: cfg.reduceOnlyOversize,
      funding: { rate: cfg.fundingRate },
      maintenanceMarginRate: 0.02,
    },
  });
  // Running position rebuilt from the fill stream, in execution order.
  let running: Decimal = dec(0);
  const fillSums = new Map<string, Decimal>();
  const out: Checked = { broker, reduceOnlyFills: 0, liquidations: 0 };
  broker.subscribe((e: EngineEvent) => {
    const fill =
      e.kind === 'order_filled' || e.kind === 'order_partially_filled' || e.kind === 'liquidation'
        ? e.fill
        : undefined;
    if (!fill) return;
    if (e.kind === 'liquidation') out.liquidations++;
    const before = running;
    running = before.plus(fill.side === 'buy' ? fill.qty : fill.qty.neg());
    if (fill.reduceOnly) {
      out.reduceOnlyFills++;
      expect(running.abs().lte(before.abs())).toBe(true);
      expect(running.isZero() || before.isZero() || running.isNegative() === before.isNegative()).toBe(true);
    }
    fillSums.set(fill.orderId, (fillSums.get(fill.orderId) ?? dec(0)).plus(fill.qty));
  });
  let last = 100;
  broker.onTick('X', T0, last);
  let t = T0 + 1;
  const orderIds: string[] = [];
  for (const s of steps) {
    if (s.t === 'bar') {
      const open = last;
      const close = Math.max(1, open * (1 + s.move / 1000));
      const high = Math.max(open, close) * (1 + s.up / 1000);
      const low = Math.max(0.5, Math.min(open, close) * (1 - s.down / 1000));
      const b = pushBar(broker, 'X', [open, high, low, close, s.volume]);
      t = b.closeTs;
      last = close;
    } else if (s.t === 'tick') {
      last = Math.max(1, last * (1 + s.move / 1000));
      broker.onTick('X', t, last, Math.max(1, last * (1 + s.markGap / 1000)));
    } else if (s.t === 'exit') {
      const pos = broker.positionQty('X');
      if (!pos.isZero()) {
        const exitSide: Side = pos.isNegative() ? 'buy' : 'sell';
        const qty = Math.max(1, Math.round(pos.abs().toNumber() * s.sizePct));
        // stops sit on the losing side, take-profits and limits on the winning side
        const losing = s.kind === 'stop' ? -1 : 1;
        const dir = (pos.isNegative() ? -1 : 1) * losing;
        const step = { t: s.kind, side: exitSide, qty, offset: dir * s.offset, reduceOnly: true } as const;
        try {
          orderIds.push(broker.submit(requestFor(step, last)).id);
        } catch (e) {
          if (!(e instanceof BrokerError)) throw e;
          expect(e.kind).toBe('reduce_only_violation');
        }
      }
    } else if (s.t === 'cancel') {
      const open = broker.listOpenOrders('X');
      if (open.length > 0) broker.cancel('X', open[s.pick % open.length].id);
    } else {
      try {
        orderIds.push(broker.submit(requestFor(s, last)).id);
      } catch (e) {
        if (!(e instanceof BrokerError)) throw e;
        expect(['reduce_only_violation', 'insufficient_funds', 'invalid_order']).toContain(e.kind);
      }
    }
    // ledger conservation, exact
    const l = broker.ledgerSummary();
    expect(l.balance.minus(l.initialBalance).eq(l.realisedPnl.minus(l.fees).minus(l.fundingPaid))).toBe(true);
    // positions: qty never negative, side agrees with the signed quantity, stream agrees with the ledger
    const signed = broker.positionQty('X');
    expect(signed.eq(running)).toBe(true);
    for (const p of broker.listPositions()) {
      expect(p.qty.gt(0)).toBe(true);
      expect(p.side).toBe(signed.isNegative() ? 'short' : 'long');
    }
  }
  for (const id of orderIds) {
    const o = broker.getOrder(id);
    if (!o) throw new Error(`order ${id} lost`);
    expect(o.filledQty.lte(o.qty)).toBe(true);
    expect((fillSums.get(id) ?? dec(0)).eq(o.filledQty)).toBe(true);
    if (o.status === 'filled') expect(o.filledQty.eq(o.qty)).toBe(true);
  }
  return out;
}

describe('simulated venue invariants (property)', () => {
  it('ledger conservation, non-negative positions, reduce-only never grows |position|, fills sum to orders', () => {
    let roFills = 0;
    let liqs = 0;
    fc.assert(
      fc.property(venue, fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }), (cfg, steps) => {
        const r = runScenario(cfg, steps);
        roFills += r.reduceOnlyFills;
        liqs += r.liquidations;
      }),
      { numRuns: 150, seed: 20240101 },
    );
    // The generator really exercises the paths the invariants are about.
    expect(roFills).toBeGreaterThan(200);
    expect(liqs).toBeGreaterThan(3);
  });
});
