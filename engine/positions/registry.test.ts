import { describe, expect, it } from 'vitest';
import { d, openedPosition } from '../../test/kit/trading.ts';
import { entryClientId, parseClientId, positionIdFor, stopClientId, tpClientId } from './client-id.ts';
import { deserializePosition, PositionRegistry, serializePosition } from './registry.ts';

describe('PositionRegistry', () => {
  it('keeps one active position per symbol; getAllActive vs getAll', () => {
    const a = openedPosition({ id: 'sig-BTC-1' }).position;
    const reg = new PositionRegistry([a]);
    expect(() => reg.put(openedPosition({ id: 'sig-BTC-2' }).position)).toThrow(
      /already has active position sig-BTC-1/,
    );
    reg.put({ ...a, state: 'CLOSED' });
    reg.put(openedPosition({ id: 'sig-BTC-2' }).position);
    expect(reg.getAllActive().map((p) => p.id)).toEqual(['sig-BTC-2']);
    expect(reg.getAll().map((p) => p.id)).toEqual(['sig-BTC-1', 'sig-BTC-2']);
    expect(reg.pruneFinished()).toBe(1);
    expect(reg.getAll().map((p) => p.id)).toEqual(['sig-BTC-2']);
  });

  it('serializes to JSON and back without losing a digit', () => {
    const p = { ...openedPosition({ qty: '0.123456789' }).position, bestPrice: d('123.000000001') };
    const back = deserializePosition(JSON.parse(JSON.stringify(serializePosition(p))));
    expect(serializePosition(back)).toEqual(serializePosition(p));
    expect(back.remainingQty.toString()).toBe('0.123456789');
    expect(back.takeProfits.map((x) => x?.toString())).toEqual(['104', '106', '110']);
  });
});

describe('client ids', () => {
  it('round-trip position id, role and level', () => {
    const id = positionIdFor('BTC', 1_700_000_000_000);
    expect(id).toBe('sig-BTC-1700000000000');
    expect(parseClientId(entryClientId(id))).toEqual({ positionId: id, role: 'entry' });
    expect(parseClientId(stopClientId(id, 3))).toEqual({ positionId: id, role: 'stop' });
    expect(parseClientId(tpClientId(id, 2, 4))).toEqual({ positionId: id, role: 'tp', level: 2 });
    expect(parseClientId('external-1')).toBeNull();
  });
});
