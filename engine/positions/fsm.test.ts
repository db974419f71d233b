import { describe, expect, it } from 'vitest';
import { d, fill, fsmContext, instrument, openedPosition } from '../../test/kit/trading.ts';
import { RecordingLogger } from '../log.ts';
import { netPnl, openPosition, transition } from './fsm.ts';
import type { ManagedPosition, PositionEvent } from './types.ts';

const ctx = fsmContext();
const sell = (qty: number, price: number) => fill({ side: 'sell', qty, price, reduceOnly: true });
const step = (p: ManagedPosition, e: PositionEvent, c = ctx) => transition(p, e, c);

describe('PositionFSM', () => {
  it('PENDING → OPEN on the first fill: targets snapshotted ROUND_DOWN, stop then TPs placed', () => {
    const c = fsmContext({ instrument: instrument('BTC', { qtyStep: '0.001' }) });
    const open = openPosition(
      {
        id: 'sig-BTC-1',
        symbol: 'BTC',
        side: 'long',
        qty: d('0.007'),
        stop: d(98),
        takeProfits: [d(104), d(106), d(110)],
      },
      c,
    );
    expect(open.position.state).toBe('PENDING');
    expect(open.actions).toMatchObject([{ type: 'PLACE_ENTRY', side: 'buy', clientId: 'sig-BTC-1_entry' }]);
    const t = step(open.position, { type: 'ENTRY_FILL', fill: fill({ qty: '0.007', price: 100 }) }, c);
    expect(t.position.state).toBe('OPEN');
    expect(t.position.entrySizeInitial?.toString()).toBe('0.007');
    expect(t.position.tp1QtyTarget?.toString()).toBe('0.003'); // 0.0035 ROUND_DOWN
    expect(t.position.tp2QtyTarget?.toString()).toBe('0.002'); // 0.0021 ROUND_DOWN
    expect(t.actions.map((a) => a.type)).toEqual(['PLACE_STOP', 'PLACE_TP', 'PLACE_TP', 'PLACE_TP']);
    expect(t.actions.map((a) => ('qty' in a ? a.qty.toString() : null))).toEqual([
      '0.007',
      '0.003',
      '0.002',
      '0.002',
    ]);
  });

  it('a partial entry fill places the stop at once; TPs wait for the entry to complete', () => {
    const open = openPosition(
      {
        id: 'sig-BTC-1',
        symbol: 'BTC',
        side: 'long',
        qty: d(10),
        stop: d(98),
        takeProfits: [d(104), d(106), d(110)],
      },
      ctx,
    );
    const a = step(open.position, { type: 'ENTRY_FILL', fill: fill({ qty: 4, price: 100 }) });
    expect(a.actions.map((x) => x.type)).toEqual(['PLACE_STOP']);
    const placed = step(a.position, { type: 'ORDER_PLACED', role: 'stop', orderId: 'sl-1' }).position;
    const b = step(placed, { type: 'ENTRY_FILL', fill: fill({ qty: 6, price: 101 }) });
    expect(b.position.avgEntryPrice?.toString()).toBe('100.6');
    expect(b.actions[0]).toMatchObject({ type: 'UPDATE_STOP', oldOrderId: 'sl-1' });
    expect(b.actions.filter((x) => x.type === 'PLACE_TP')).toHaveLength(3);
    // targets come from the planned size, not the first partial fill
    expect(b.position.tp1QtyTarget?.toString()).toBe('5');
  });

  it('an entry that ends unfilled is CANCELLED; one that ends part-filled gets TPs for what filled', () => {
    const open = openPosition(
      {
        id: 'p',
        symbol: 'BTC',
        side: 'long',
        qty: d(10),
        stop: d(98),
        takeProfits: [d(104), d(106), d(110)],
      },
      ctx,
    );
    expect(step(open.position, { type: 'ENTRY_ENDED', status: 'cancelled' }).position).toMatchObject({
      state: 'CANCELLED',
      exitReason: 'ENTRY_CANCELLED',
    });
    const part = step(open.position, { type: 'ENTRY_FILL', fill: fill({ qty: 4, price: 100 }) }).position;
    const ended = step(part, { type: 'ENTRY_ENDED', status: 'cancelled' });
    expect(ended.actions.map((a) => (a.type === 'PLACE_TP' ? [a.level, a.qty.toString()] : a.type))).toEqual([
      [1, '4'],
    ]);
  });

  it('TP uses min(target, remaining), moves the stop to break-even after TP1 and shrinks it to what is left', () => {
    let p = openedPosition({ qty: 10 }).position;
    p = step(p, { type: 'ORDER_PLACED', role: 'stop', orderId: 'sl-1' }).position;
    // an external partial reduction left only 4 open: TP1's target of 5 must not be used as is
    p = { ...p, remainingQty: d(4) };
    const t = step(p, { type: 'TP_FILL', level: 1, fill: sell(4, 104) });
    expect(t.position.state).toBe('CLOSED');
    expect(t.position.exitReason).toBe('TAKE_PROFIT');

    let q = openedPosition({ qty: 10 }).position;
    q = step(q, { type: 'ORDER_PLACED', role: 'stop', orderId: 'sl-1' }).position;
    const tp1 = step(q, { type: 'TP_FILL', level: 1, fill: sell(5, 104) });
    expect(tp1.position).toMatchObject({ state: 'TP1_FILLED', breakEvenTriggered: true });
    expect(tp1.position.stopPrice.toString()).toBe('100');
    expect(tp1.actions).toMatchObject([{ type: 'UPDATE_STOP', oldOrderId: 'sl-1' }]);
    expect(tp1.actions[0].type === 'UPDATE_STOP' && tp1.actions[0].qty.toString()).toBe('5');
    expect(tp1.position.realizedPnl.toString()).toBe('20');
    const tp2 = step(tp1.position, { type: 'TP_FILL', level: 2, fill: sell(3, 106) });
    expect(tp2.position.state).toBe('TP2_FILLED');
    expect(tp2.position.remainingQty.toString()).toBe('2');
  });

  it('trailing activates only when ATR / price ≥ trailing_activation_atr_min, and only tightens', () => {
    const low = openedPosition({ qty: 10, atr: 0.2 }).position; // 0.2 / 104 < 0.005
    const a = step(low, { type: 'TP_FILL', level: 1, fill: sell(5, 104) });
    expect(a.position.trailingActive).toBe(false);
    expect(step(a.position, { type: 'MARK', price: d(108), atr: 0.2 }).actions).toEqual([]);

    const opened = openedPosition({ qty: 10, atr: 1 }).position; // 1 / 104 ≥ 0.005
    const high = step(opened, { type: 'ORDER_PLACED', role: 'stop', orderId: 'sl-1' }).position;
    const b = step(high, { type: 'TP_FILL', level: 1, fill: sell(5, 104) });
    expect(b.position.trailingActive).toBe(true);
    const up = step(b.position, { type: 'MARK', price: d(108), atr: 1 }); // 108 − 1.5 = 106.5
    expect(up.position.stopPrice.toString()).toBe('106.5');
    expect(up.actions).toMatchObject([{ type: 'UPDATE_STOP' }]);
    const down = step(up.position, { type: 'MARK', price: d(107), atr: 1 });
    expect(down.position.stopPrice.toString()).toBe('106.5');
    expect(down.actions).toEqual([]);
  });

  it('after break-even, trailing may activate later once ATR qualifies (relaxed RULE 9)', () => {
    const p = openedPosition({ qty: 10, atr: 0.1 }).position;
    const be = step(p, { type: 'TP_FILL', level: 1, fill: sell(5, 104) }).position;
    expect(be.trailingActive).toBe(false);
    const t = step(be, { type: 'MARK', price: d(110), atr: 2 });
    expect(t.position.trailingActive).toBe(true);
    expect(t.position.stopPrice.toString()).toBe('107');
  });

  it('a stop fill closes with the right exit reason and cancels the live TPs', () => {
    let p = openedPosition({ qty: 10 }).position;
    p = step(p, { type: 'ORDER_PLACED', role: 'tp', level: 1, orderId: 'tp-1', qty: d(5) }).position;
    p = step(p, { type: 'ORDER_PLACED', role: 'tp', level: 2, orderId: 'tp-2', qty: d(3) }).position;
    p = step(p, { type: 'ORDER_PLACED', role: 'stop', orderId: 'sl-1' }).position;
    const t = step(p, { type: 'STOP_FILL', fill: sell(10, 98) });
    expect(t.position).toMatchObject({ state: 'CLOSED', exitReason: 'STOP_LOSS', stopOrderId: null });
    expect(t.actions.map((a) => (a.type === 'CANCEL_ORDER' ? a.orderId : a.type))).toEqual(['tp-1', 'tp-2']);
    expect(t.position.realizedPnl.toString()).toBe('-20');
  });

  it('net P&L counts fees and funding', () => {
    let p = openedPosition({ qty: 10 }).position;
    p = step(p, { type: 'FUNDING', amount: d(-1.5) }).position;
    p = step(p, {
      type: 'STOP_FILL',
      fill: fill({ side: 'sell', qty: 10, price: 98, fee: d('0.49') }),
    }).position;
    expect(netPnl(p).toString()).toBe('-21.99');
  });

  it('ignores trading events for a finished position', () => {
    const logger = new RecordingLogger();
    const p = openedPosition({ qty: 10 }).position;
    const closed = step(p, { type: 'STOP_FILL', fill: sell(10, 98) }).position;
    const t = step(closed, { type: 'TP_FILL', level: 1, fill: sell(5, 104) }, fsmContext({ logger }));
    expect(t.position).toBe(closed);
    expect(t.actions).toEqual([]);
  });

  it('a short mirrors the long: stop above, TPs below, break-even down to the entry', () => {
    const p = openedPosition({ side: 'short', qty: 10 });
    expect(p.actions.map((a) => ('side' in a ? a.side : null))).toEqual(['buy', 'buy', 'buy', 'buy']);
    const tp1 = step(p.position, {
      type: 'TP_FILL',
      level: 1,
      fill: fill({ side: 'buy', qty: 5, price: 96 }),
    });
    expect(tp1.position.stopPrice.toString()).toBe('100');
    expect(tp1.position.realizedPnl.toString()).toBe('20');
  });
});
