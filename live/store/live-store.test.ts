import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceIntent } from '../../engine/backtest/types.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { NO_HALT } from '../../engine/safety/types.ts';
import { d, fill, openedPosition } from '../../test/kit/trading.ts';
import { LiveStore } from './live-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-live-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const intent = {
  ts: 1_000,
  actionType: 'PLACE_STOP' as const,
  positionId: 'sig-BTC-1',
  symbol: 'BTC',
  side: 'sell' as const,
  qty: '10',
  price: '98',
  clientId: 'sig-BTC-1_sl-1',
  orderId: null,
  reason: null,
};

const trade: TradeRecord = {
  strategyId: 'smc',
  symbol: 'BTC',
  side: 'long',
  entryTs: 1_000,
  exitTs: 9_000,
  entryPrice: '100',
  exitPrice: '104',
  qty: '10',
  fees: '0.5',
  funding: '0',
  pnl: '40',
  netPnl: '39.5',
  exitReason: 'take_profit',
};

describe('LiveStore', () => {
  it('round-trips positions (FSM state as plain data), exactly, and keeps only the latest state', async () => {
    const store = await LiveStore.open(join(dir, 'live.duckdb'));
    const { position } = openedPosition({ qty: '0.30000000000000004', entry: '40900.123456789' });
    await store.savePosition(position);
    await store.savePosition({ ...position, stopPrice: d('40000.5'), updatedAt: position.updatedAt + 1 });
    const [back] = await store.loadPositions();
    expect(back.id).toBe(position.id);
    expect(back.state).toBe('OPEN');
    expect(back.filledQty.toString()).toBe('0.30000000000000004');
    expect(back.avgEntryPrice?.toString()).toBe('40900.123456789');
    expect(back.stopPrice.toString()).toBe('40000.5');
    expect(back.takeProfits.map((x) => x?.toString())).toEqual(
      position.takeProfits.map((x) => x?.toString()),
    );
    await store.savePosition({ ...back, state: 'CLOSED', updatedAt: back.updatedAt + 1 });
    expect(await store.loadPositions()).toEqual([]);
    expect((await store.loadPositions({ activeOnly: false }))[0].state).toBe('CLOSED');
    await store.close();
  });

  it('writes intents ahead as pending and resolves the matching one with the venue’s answer', async () => {
    const store = await LiveStore.open(':memory:');
    const id = await store.recordIntent(intent);
    expect((await store.intents({ pendingOnly: true })).map((i) => [i.id, i.status, i.clientId])).toEqual([
      [id, 'pending', 'sig-BTC-1_sl-1'],
    ]);
    const result: TraceIntent = { ...intent, strategyId: 'smc', ts: 1_500, status: 'ok', orderId: 'o-9' };
    expect(await store.resolveIntent(result)).toBe(true);
    expect(await store.resolveIntent(result)).toBe(false); // nothing pending any more
    const [i] = await store.intents();
    expect([i.status, i.resultOrderId, i.resolvedAt]).toEqual(['ok', 'o-9', 1_500]);
    // an action without a side or client id (seed Bug 4) is recorded as such
    const cancel = await store.recordIntent({
      ...intent,
      actionType: 'FLATTEN_ORPHAN',
      side: 'unknown',
      clientId: null,
      qty: null,
    });
    expect((await store.intents({ pendingOnly: true })).map((x) => [x.id, x.side, x.clientId])).toEqual([
      [cancel, 'unknown', null],
    ]);
    await store.close();
  });

  it('records fills once each (idempotent) and reads them back as Decimals', async () => {
    const store = await LiveStore.open(':memory:');
    const f1 = { ...fill({ qty: d('0.01'), price: d('40900.5') }), id: 'f-1', ts: 5 };
    const f2 = { ...f1, id: 'f-2', ts: 7 };
    expect(await store.recordFills([f1, f2])).toBe(2);
    expect(await store.recordFills([f2])).toBe(0);
    const back = await store.fills(6);
    expect(back.map((f) => [f.id, f.qty.toString(), f.price.toString(), f.ts])).toEqual([
      ['f-2', '0.01', '40900.5', 7],
    ]);
    expect(await store.lastFillTs()).toBe(7);
    await store.close();
  });

  it('records a closed trade once, even when a restart records it again', async () => {
    const store = await LiveStore.open(':memory:');
    expect(await store.recordTrade(trade, 'sig-BTC-1')).toBe(true);
    expect(await store.recordTrade(trade, 'sig-BTC-1')).toBe(false);
    expect(await store.trades()).toEqual([{ ...trade, positionId: 'sig-BTC-1' }]);
    await store.close();
  });

  it('persists the halt state; a malformed one is refused, not read as "not halted"', async () => {
    const store = await LiveStore.open(':memory:');
    expect(await store.loadHaltState()).toEqual(NO_HALT);
    const halt = {
      active: true,
      reason: 'NAKED_POSITIONS' as const,
      activatedAt: 42,
      detail: 'BTC naked twice',
    };
    await store.saveHaltState(halt, 42);
    expect(await store.loadHaltState()).toEqual(halt);
    await store.setState('halt', { active: 'yes' }, 43);
    await expect(store.loadHaltState()).rejects.toThrow(/malformed/);
    await store.close();
  });

  it('a write that fails part-way leaves nothing behind (one transaction)', async () => {
    const store = await LiveStore.open(':memory:');
    const { position } = openedPosition();
    const broken = { ...position, id: 'broken', updatedAt: Number.NaN };
    await expect(store.savePositions([position, broken])).rejects.toThrow();
    expect(await store.loadPositions({ activeOnly: false })).toEqual([]);
    await store.close();
  });
});

describe('crash safety', () => {
  it('what was acknowledged before a SIGKILL is there after a restart', () => {
    const path = join(dir, 'crash.duckdb');
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/live/store-crash-child.ts', path], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toContain('acked 1');
    return (async () => {
      const store = await LiveStore.open(path);
      expect((await store.intents({ pendingOnly: true })).map((i) => i.clientId)).toEqual([
        'sig-BTC-1_entry',
      ]);
      expect((await store.fills()).map((f) => [f.id, f.fee.toString()])).toEqual([['f-1', '0.2045025']]);
      expect((await store.loadHaltState()).reason).toBe('MARGIN_CRITICAL');
      await store.close();
    })();
  });
});
