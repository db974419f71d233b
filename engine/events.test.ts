import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEvents, EventQueue, SequenceSource, type TimerEvent } from './events.ts';

const timer = (ts: number, seq: number, name = 't'): TimerEvent => ({ kind: 'timer', ts, seq, name });

describe('EventQueue', () => {
  it('pops by time, then by sequence', () => {
    const q = new EventQueue<TimerEvent>();
    q.push(timer(20, 1));
    q.push(timer(10, 5));
    q.push(timer(10, 2));
    q.push(timer(5, 9));
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e && [e.ts, e.seq])).toEqual([
      [5, 9],
      [10, 2],
      [10, 5],
      [20, 1],
      undefined,
    ]);
  });

  it('schedule() stamps increasing sequence numbers from a shared source', () => {
    const seq = new SequenceSource(100);
    const q = new EventQueue<TimerEvent>(seq);
    const a = q.schedule({ kind: 'timer', ts: 7, name: 'a' });
    seq.next(); // another emitter of the run takes 101
    const b = q.schedule({ kind: 'timer', ts: 7, name: 'b' });
    expect([a.seq, b.seq]).toEqual([100, 102]);
    expect(q.drainUntil(7).map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('drainUntil stops at the first later event', () => {
    const q = new EventQueue<TimerEvent>();
    for (const [ts, s] of [
      [3, 0],
      [1, 1],
      [2, 2],
      [9, 3],
    ])
      q.push(timer(ts, s));
    expect(q.drainUntil(3).map((e) => e.ts)).toEqual([1, 2, 3]);
    expect(q.size).toBe(1);
    expect(q.peek()?.ts).toBe(9);
  });

  it('property: any push order pops in (ts, seq) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }),
        fc.integer(),
        (times, salt) => {
          const events = times.map((ts, seq) => timer(ts, seq));
          // deterministic shuffle from the salt
          const shuffled = events
            .map((e, i) => ({ e, k: Math.imul(i + 1, salt | 1) ^ (i * 2654435761) }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const q = new EventQueue<TimerEvent>();
          for (const e of shuffled) q.push(e);
          const out: TimerEvent[] = [];
          for (let e = q.pop(); e; e = q.pop()) out.push(e);
          expect(out).toEqual([...events].sort(compareEvents));
        },
      ),
    );
  });
});
