import { describe, expect, it } from 'vitest';
import { barsFromSteps, eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { SwingDetector } from '../swings/swings.ts';
import {
  BosChochDetector,
  bosChoch,
  KIND_BOS_CODE,
  KIND_CHOCH_CODE,
  STRUCTURE_CANCELLED,
  STRUCTURE_CONFIRMED,
} from './bos-choch.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const [L, closeBreak] of [
  [2, true],
  [3, false],
  [5, true],
] as const) {
  primitiveContract(
    `bos_choch(swingLength=${L}, closeBreak=${closeBreak})`,
    (b) => eventSubject(new BosChochDetector(b, new SwingDetector(b, { swingLength: L }), { closeBreak })),
    (b) => eventSubject(bosChoch(b, new SwingDetector(b, { swingLength: L }), { closeBreak }).detector),
    L === 5 ? { data: eurusd, runs: 15 } : {},
  );
}

describe('bos_choch: published facts', () => {
  it('are confirmed only after their break and their fourth swing, and cancellations come later', () => {
    const steps = Array.from({ length: 3000 }, (_, i) =>
      Math.round(Math.sin(i / 7) * 4 + Math.cos(i / 3.3) * 3),
    );
    const b = barsFromSteps(steps, [1, 5, 9, 2, 11, 0, 7]);
    const d = new BosChochDetector(b, new SwingDetector(b, { swingLength: 3 }));
    d.update(b.length - 1);
    const confirmed = d.events.filter((e) => e.type === 'structure');
    expect(confirmed.length).toBeGreaterThan(10);
    for (const e of confirmed) {
      expect(e.knownAt).toBeGreaterThanOrEqual(Math.max(e.brokenIndex, e.swingAnchors[3] + 3));
      const { close } = b;
      expect(e.dir === 1 ? close[e.brokenIndex] > e.level : close[e.brokenIndex] < e.level).toBe(true);
    }
    for (const e of d.events.filter((x) => x.type === 'structure-cancelled')) {
      const first = confirmed.find((c) => c.anchor === e.anchor);
      if (first !== undefined) expect(e.knownAt).toBeGreaterThanOrEqual(first.knownAt);
    }
  });
});

describe('bos_choch: event columns', () => {
  it('hold exactly the events, field by field, as the detector advances', () => {
    const steps = Array.from({ length: 2000 }, (_, i) =>
      Math.round(Math.sin(i / 5) * 5 + Math.cos(i / 2.7) * 3),
    );
    const b = barsFromSteps(steps, [2, 7, 1, 9, 4]);
    const d = new BosChochDetector(b, new SwingDetector(b, { swingLength: 3 }));
    for (const t of [400, 401, 1200, b.length - 1]) {
      d.update(t);
      const c = d.columns;
      const events = d.events;
      expect(c.count).toBe(events.length);
      expect(c.count).toBeGreaterThan(0);
      events.forEach((e, k) => {
        expect(c.type[k]).toBe(e.type === 'structure' ? STRUCTURE_CONFIRMED : STRUCTURE_CANCELLED);
        expect(c.kind[k]).toBe(e.kind === 'BOS' ? KIND_BOS_CODE : KIND_CHOCH_CODE);
        expect([c.anchor[k], c.knownAt[k], c.dir[k], c.level[k], c.brokenIndex[k]]).toEqual([
          e.anchor,
          e.knownAt,
          e.dir,
          e.level,
          e.brokenIndex,
        ]);
        expect(e.swingAnchors[1]).toBe(e.anchor);
      });
    }
    expect(d.events.some((e) => e.type === 'structure-cancelled')).toBe(true);
  });
});
