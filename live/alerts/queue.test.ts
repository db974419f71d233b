import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertQueue } from './queue.ts';
import { RingDeque } from './ring-deque.ts';
import type { Alert } from './types.ts';

let seq = 0;
function alert(urgent: boolean): Alert {
  seq++;
  return {
    type: urgent ? 'KILL_SWITCH' : 'NEW_POSITION',
    urgent,
    title: `#${seq}`,
    lines: [],
    fields: {},
    ts: 0,
    seq,
  };
}

describe('RingDeque', () => {
  it('is a FIFO across growth and wrap-around', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.constant<'shift'>('shift')), { maxLength: 200 }),
        (ops) => {
          const d = new RingDeque<number>(2);
          const model: number[] = [];
          for (const op of ops) {
            if (op === 'shift') expect(d.shift()).toBe(model.shift());
            else {
              d.push(op);
              model.push(op);
            }
            expect(d.length).toBe(model.length);
            expect(d.peek()).toBe(model[0]);
          }
          expect([...d]).toEqual(model);
        },
      ),
    );
  });
});

describe('AlertQueue', () => {
  it('when full, evicts the oldest non-urgent alert and reports it', () => {
    const q = new AlertQueue(3);
    const a1 = alert(false);
    const u1 = alert(true);
    const a2 = alert(false);
    for (const a of [a1, u1, a2]) expect(q.push(a).dropped).toBeNull();
    const a3 = alert(false);
    expect(q.push(a3).dropped).toBe(a1);
    const u2 = alert(true);
    expect(q.push(u2).dropped).toBe(a2);
    expect(q.snapshot()).toEqual([u1, u2, a3]);
  });

  it('full of urgent alerts: a new urgent one evicts the oldest urgent, a non-urgent one is itself dropped', () => {
    const q = new AlertQueue(2);
    const u1 = alert(true);
    const u2 = alert(true);
    q.push(u1);
    q.push(u2);
    const n = alert(false);
    expect(q.push(n).dropped).toBe(n);
    const u3 = alert(true);
    expect(q.push(u3).dropped).toBe(u1);
    expect(q.snapshot()).toEqual([u2, u3]);
  });

  it('delivers urgent alerts first, FIFO within each class', () => {
    const q = new AlertQueue(10);
    const order = [alert(false), alert(true), alert(false), alert(true)];
    for (const a of order) q.push(a);
    const out: number[] = [];
    for (let a = q.shift(); a !== undefined; a = q.shift()) out.push(a.seq);
    expect(out).toEqual([order[1].seq, order[3].seq, order[0].seq, order[2].seq]);
  });

  it('property: never exceeds capacity, every alert is either queued or dropped exactly once, urgent ones are dropped only when no non-urgent one is queued', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        (cap, flags) => {
          const q = new AlertQueue(cap);
          const dropped: Alert[] = [];
          const pushed: Alert[] = [];
          for (const urgent of flags) {
            const normalBefore = q.snapshot().some((a) => !a.urgent);
            const a = alert(urgent);
            pushed.push(a);
            const r = q.push(a);
            if (r.dropped !== null) {
              dropped.push(r.dropped);
              if (r.dropped.urgent) expect(normalBefore).toBe(false);
            }
            expect(q.length).toBeLessThanOrEqual(cap);
          }
          const kept = q.snapshot();
          const seen = new Set([...kept, ...dropped].map((a) => a.seq));
          expect(seen.size).toBe(pushed.length);
          expect(kept.length + dropped.length).toBe(pushed.length);
        },
      ),
    );
  });
});
