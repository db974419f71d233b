import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, openedPosition } from '../../test/kit/trading.ts';
import { entryClientId, parseClientId, positionIdFor, stopClientId, tpClientId } from './client-id.ts';
import { deserializePosition, PositionRegistry, serializePosition } from './registry.ts';
import { isActive, type ManagedPosition, type PositionState } from './types.ts';

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

  it('its active index and latest partial close match a scan of every position, whatever the updates', () => {
    const states: PositionState[] = ['PENDING', 'OPEN', 'TP1_FILLED', 'CLOSED', 'CANCELLED'];
    const base = openedPosition({ id: 'p' }).position;
    const op = fc.record({
      id: fc.integer({ min: 0, max: 5 }),
      state: fc.constantFrom(...states),
      partial: fc.option(fc.integer({ min: 0, max: 50 })),
      prune: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const reg = new PositionRegistry();
        for (const o of ops) {
          // one symbol per id, so a second active position for a symbol never arises
          const p: ManagedPosition = {
            ...base,
            id: `p${o.id}`,
            symbol: `S${o.id}`,
            state: o.state,
            lastPartialCloseAt: o.partial,
          };
          reg.put(p);
          if (o.prune) reg.pruneFinished();
          const all = reg.getAll();
          const active = all.filter(isActive);
          expect(reg.getAllActive().map((x) => x.id)).toEqual(active.map((x) => x.id));
          expect([...reg.activeSymbols()]).toEqual(active.map((x) => x.symbol));
          for (const x of all) expect(reg.getActiveBySymbol(x.symbol)).toBe(isActive(x) ? x : undefined);
          const partials = all.flatMap((x) => (x.lastPartialCloseAt === null ? [] : [x.lastPartialCloseAt]));
          expect(reg.lastPartialCloseAt()).toBe(partials.length > 0 ? Math.max(...partials) : null);
        }
      }),
    );
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
