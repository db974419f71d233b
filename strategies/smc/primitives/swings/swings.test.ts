import { describe, expect, it } from 'vitest';
import { eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import type { TimedBars } from '../previous-high-low/previous-high-low.ts';
import { renderSwings, SwingDetector, type SwingEvent, swingHighsLows } from './swings.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const L of [2, 3, 5]) {
  primitiveContract(
    `swings(swingLength=${L})`,
    (b) => eventSubject(new SwingDetector(b, { swingLength: L })),
    (b) => eventSubject(swingHighsLows(b, { swingLength: L }).detector),
  );
}
primitiveContract(
  'swings(swingLength=5) on EURUSD',
  (b) => eventSubject(new SwingDetector(b, { swingLength: 5 })),
  (b) => eventSubject(swingHighsLows(b, { swingLength: 5 }).detector),
  { data: eurusd, runs: 15 },
);

function bars(highs: number[]): TimedBars {
  const n = highs.length;
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  // Lows rise steadily so no bar is a swing-low candidate.
  return {
    length: n,
    ts: f((i) => i * 900_000),
    open: f((i) => 1 + i * 0.001),
    high: Float64Array.from(highs),
    low: f((i) => 1 + i * 0.001),
    close: f((i) => 1 + i * 0.001),
    volume: f(() => 0),
  };
}

describe('swings: run reduction as later revisions', () => {
  // L=2: bar i is a high candidate when its high is the max of bars i-1..i+2 (from i = 2L-1 = 3 on).
  const b = bars([5, 5, 5, 9, 5, 5, 10, 5, 5, 5, 5, 5]);

  it('publishes a swing L bars after it, then revokes it when a higher high of the same run appears', () => {
    const d = new SwingDetector(b, { swingLength: 2 });
    d.update(b.length - 1);
    const pick = (e: SwingEvent) => [e.type, e.anchor, e.knownAt, e.dir, e.edge];
    expect(d.events.map(pick)).toEqual([
      ['swing', 0, 5, -1, 'first'],
      ['swing', 3, 5, 1, 'none'],
      ['swing-revoked', 3, 8, 1, 'none'],
      ['swing', 6, 8, 1, 'none'],
    ]);
  });

  it('renders only the survivor plus the first and last rows, like the reference', () => {
    const { table } = swingHighsLows(b, { swingLength: 2 });
    const hl = Array.from(table.columns[0], (v) => (Number.isNaN(v) ? null : v));
    expect(hl).toEqual([-1, null, null, null, null, null, 1, null, null, null, null, -1]);
    expect(table.columns[1][6]).toBe(10);
  });

  it('refuses a swing length below 2', () => {
    expect(() => new SwingDetector(b, { swingLength: 1 })).toThrow(/swingLength must be an integer >= 2/);
  });
});

describe('swings: invariants on real data', () => {
  it('the rendered list alternates high/low and every revocation targets the latest swing', async () => {
    const data = await eurusd();
    const d = new SwingDetector(data, { swingLength: 5 });
    d.update(data.length - 1);
    const stack: number[] = [];
    for (const e of d.events) {
      if (e.type === 'swing') stack.push(e.anchor);
      else expect(stack.pop()).toBe(e.anchor);
    }
    d.finish();
    const hl = renderSwings(d.columns, data.length).columns[0].filter((v) => !Number.isNaN(v));
    let flips = 0;
    for (let i = 1; i < hl.length; i++) if (hl[i] !== hl[i - 1]) flips++;
    expect(flips).toBe(hl.length - 1);
  });
});
