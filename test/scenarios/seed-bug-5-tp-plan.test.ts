import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../../engine/log.ts';
import { planProtection } from '../../engine/positions/protective-orders.ts';
import { computeTpPlan } from '../../engine/positions/tp-plan.ts';
import { d, fsmContext, instrument, openedPosition } from '../kit/trading.ts';

const base = {
  symbol: 'BTC',
  side: 'long' as const,
  takeProfits: [d(104), d(106), d(110)],
  levels: [1, 2, 3] as const,
  remainingQty: d(10),
  reservedQty: d(0),
  tp1QtyTarget: d(5),
  tp2QtyTarget: d(3),
  instrument: instrument('BTC'),
  minDistancePct: 0.001,
};

describe('seed Bug 5: one invalid TP level rejected the whole TP plan', () => {
  it('price already past TP1: TP1 is skipped, TP2 and TP3 are still placed', () => {
    const logger = new RecordingLogger();
    const plan = computeTpPlan({ ...base, levels: [1, 2, 3], currentPrice: d(105) }, logger);
    expect(plan?.map((e) => [e.level, e.price.toString(), e.qty.toString()])).toEqual([
      [2, '106', '3'],
      [3, '110', '7'],
    ]);
    expect(logger.has('TP1 skipped')).toBe(true);
  });

  it('TP1 too close (inside the minimum distance) is skipped on its own', () => {
    const plan = computeTpPlan(
      { ...base, levels: [1, 2, 3], currentPrice: d(103.95) },
      new RecordingLogger(),
    );
    expect(plan?.map((e) => e.level)).toEqual([2, 3]);
  });

  it('a short already past TP1 and TP2 keeps TP3 with the whole remaining quantity', () => {
    const plan = computeTpPlan(
      { ...base, side: 'short', takeProfits: [d(96), d(94), d(90)], levels: [1, 2, 3], currentPrice: d(93) },
      new RecordingLogger(),
    );
    expect(plan?.map((e) => [e.level, e.qty.toString()])).toEqual([[3, '10']]);
  });

  it('returns null only when every level is invalid', () => {
    const logger = new RecordingLogger();
    expect(computeTpPlan({ ...base, levels: [1, 2, 3], currentPrice: d(111) }, logger)).toBeNull();
    expect(logger.has('TP plan: no valid take-profit level')).toBe(true);
  });

  it('TP backfill on an open position after a fast move past TP1 places TP2 and TP3', () => {
    const ctx = fsmContext();
    const { position } = openedPosition({ qty: 10, ctx });
    // the entry's TPs never made it to the exchange (no live orders); price is now above TP1
    const p = { ...position, tpOrderIds: [null, null, null], stopOrderId: 'sl-live' };
    const live = [
      {
        id: 'sl-live',
        clientId: 'x',
        symbol: 'BTC',
        side: 'sell' as const,
        type: 'stop' as const,
        qty: d(10),
        triggerPrice: d(98),
        reduceOnly: true,
        status: 'open' as const,
        filledQty: d(0),
        avgFillPrice: null,
        createdAt: 0,
        updatedAt: 0,
      },
    ];
    const r = planProtection(p, live, d(105), ctx);
    const tps = r.actions.filter((a) => a.type === 'PLACE_TP');
    expect(tps.map((a) => (a.type === 'PLACE_TP' ? [a.level, a.qty.toString()] : null))).toEqual([
      [2, '3'],
      [3, '7'],
    ]);
    expect(r.actions.some((a) => a.type === 'PLACE_STOP' || a.type === 'UPDATE_STOP')).toBe(false);
  });
});
