import { describe, expect, it } from 'vitest';
import {
  exchangePosition,
  fsmContext,
  instrumentMap,
  openedPosition,
  positionsConfig,
} from '../../test/kit/trading.ts';
import { RecordingLogger } from '../log.ts';
import { reconcile } from './reconcile.ts';

const ctx = (logger = new RecordingLogger()) => ({
  now: 1,
  config: positionsConfig(),
  logger,
  instruments: instrumentMap(['BTC', 'ETH']),
});

describe('reconcile', () => {
  const open = () => ({ ...openedPosition({ qty: 10, ctx: fsmContext() }).position, stopOrderId: 'sl-1' });

  it('MATCHED when side and quantity agree', () => {
    const r = reconcile([open()], [exchangePosition('BTC', 'long', 10, 100)], ctx());
    expect(r.items.map((i) => i.classification)).toEqual(['MATCHED']);
    expect(r.actions).toEqual([]);
  });

  it('QTY_MISMATCH adopts the exchange quantity and resizes the stop', () => {
    const r = reconcile([open()], [exchangePosition('BTC', 'long', 12, 100)], ctx());
    expect(r.items[0].classification).toBe('QTY_MISMATCH');
    expect(r.updated[0].remainingQty.toString()).toBe('12');
    expect(r.actions).toMatchObject([{ type: 'UPDATE_STOP', oldOrderId: 'sl-1' }]);
  });

  it('SIDE_MISMATCH is logged as an error and nothing is done', () => {
    const logger = new RecordingLogger();
    const r = reconcile([open()], [exchangePosition('BTC', 'short', 10, 100)], ctx(logger));
    expect(r.items[0].classification).toBe('SIDE_MISMATCH');
    expect(r.actions.map((a) => a.type)).toEqual(['NO_ACTION']);
    expect(r.updated).toEqual([]);
    expect(logger.records.some((x) => x.level === 'error' && x.msg.startsWith('SIDE_MISMATCH'))).toBe(true);
  });

  it('ORPHAN only after two consecutive reconciliations without an exchange position', () => {
    const logger = new RecordingLogger();
    const first = reconcile([open()], [], ctx(logger));
    expect(first.items[0].classification).toBe('ORPHAN_SUSPECTED');
    expect(first.updated[0].state).toBe('OPEN');
    const second = reconcile(first.updated, [], ctx(logger));
    expect(second.items[0].classification).toBe('ORPHAN');
    expect(second.updated[0]).toMatchObject({ state: 'CLOSED', exitReason: 'ORPHAN_RECONCILED' });
    expect(second.actions).toMatchObject([{ type: 'CANCEL_ORDER', orderId: 'sl-1' }]);
    expect(logger.has('ORPHAN')).toBe(true);
    // the count resets when the exchange shows the position again
    const back = reconcile(first.updated, [exchangePosition('BTC', 'long', 10, 100)], ctx());
    expect(back.updated[0].orphanObservations).toBe(0);
  });

  it('never proposes a flatten or a close for anything it does not understand', () => {
    const r = reconcile(
      [open()],
      [exchangePosition('BTC', 'short', 3, 100), exchangePosition('ETH', 'long', 1, 10)],
      ctx(),
    );
    expect(r.actions.every((a) => a.type === 'NO_ACTION')).toBe(true);
    expect(r.phantoms.map((p) => p.symbol)).toEqual(['ETH']);
  });
});
