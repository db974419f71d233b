import { describe, expect, it } from 'vitest';
import { type IntentRecord, type PositionAction, toIntentRecord } from '../../engine/positions/actions.ts';
import { executeAction } from '../../engine/positions/execute.ts';
import { phantomPositions } from '../kit/scenarios.ts';
import { d } from '../kit/trading.ts';

const ALL: PositionAction[] = [
  { type: 'PLACE_ENTRY', positionId: 'p', symbol: 'BTC', side: 'buy', qty: d(1), clientId: 'p_entry' },
  {
    type: 'PLACE_STOP',
    positionId: 'p',
    symbol: 'BTC',
    side: 'sell',
    qty: d(1),
    triggerPrice: d(90),
    clientId: 'p_sl-1',
  },
  {
    type: 'UPDATE_STOP',
    positionId: 'p',
    symbol: 'BTC',
    side: 'sell',
    qty: d(1),
    triggerPrice: d(95),
    clientId: 'p_sl-2',
    oldOrderId: null,
  },
  {
    type: 'PLACE_TP',
    positionId: 'p',
    symbol: 'BTC',
    side: 'sell',
    qty: d(1),
    triggerPrice: d(110),
    level: 1,
    clientId: 'p_tp1-3',
  },
  { type: 'CANCEL_ORDER', positionId: null, symbol: 'BTC', orderId: 'o1', role: 'unknown' },
  {
    type: 'CLOSE_POSITION',
    positionId: 'p',
    symbol: 'BTC',
    side: 'sell',
    qty: d(1),
    clientId: 'p_close-4',
    reason: 'MANUAL',
  },
  { type: 'FLATTEN_ORPHAN', positionId: null, symbol: 'BTC', reason: 'operator' },
  { type: 'NO_ACTION', positionId: null, symbol: 'BTC', reason: 'PHANTOM deferred' },
];

describe('seed Bug 4: flatten_orphan crashed the write-ahead record (action.side was None)', () => {
  it('builds an intent record for every action type; those without a side record side "unknown"', () => {
    const records = ALL.map((a) => toIntentRecord(a, 1));
    expect(records.map((r) => [r.actionType, r.side])).toEqual([
      ['PLACE_ENTRY', 'buy'],
      ['PLACE_STOP', 'sell'],
      ['UPDATE_STOP', 'sell'],
      ['PLACE_TP', 'sell'],
      ['CANCEL_ORDER', 'unknown'],
      ['CLOSE_POSITION', 'sell'],
      ['FLATTEN_ORPHAN', 'unknown'],
      ['NO_ACTION', 'unknown'],
    ]);
    expect(records[6]).toMatchObject({ qty: null, price: null, clientId: null, reason: 'operator' });
    // JSON-safe: a store can write it as is
    expect(JSON.parse(JSON.stringify(records[6]))).toEqual(records[6]);
  });

  it('executes an operator flatten_orphan through the write-ahead hook and closes the exchange position', async () => {
    const v = phantomPositions([{ symbol: 'BTC', side: 'long', qty: '3', price: 100 }]);
    const intents: IntentRecord[] = [];
    v.broker.hooks.instantFillNext();
    const r = await executeAction(
      v.broker,
      { type: 'FLATTEN_ORPHAN', positionId: null, symbol: 'BTC', reason: 'operator request' },
      {
        logger: v.logger,
        now: v.now(),
        recordIntent: (x) => {
          intents.push(x);
        },
      },
    );
    expect(r.ok).toBe(true);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ actionType: 'FLATTEN_ORPHAN', side: 'unknown', symbol: 'BTC' });
    expect(await v.broker.positions()).toEqual([]);
    expect(v.logger.has('Execution failed')).toBe(false);
  });

  it('a failing action without a side is logged as "Execution failed" with context, not a crash', async () => {
    const v = phantomPositions([{ symbol: 'BTC', side: 'long', qty: '3', price: 100 }]);
    v.broker.hooks.failNext('positions', 'network');
    const r = await executeAction(
      v.broker,
      { type: 'FLATTEN_ORPHAN', positionId: null, symbol: 'BTC', reason: 'operator request' },
      { logger: v.logger, now: v.now() },
    );
    expect(r.ok).toBe(false);
    const rec = v.logger.records.find((x) => x.msg === 'Execution failed');
    expect(rec?.obj).toMatchObject({ action_type: 'flatten_orphan', side: 'unknown', kind: 'network' });
    expect((await v.broker.positions())[0]?.qty.toString()).toBe('3');
  });
});
