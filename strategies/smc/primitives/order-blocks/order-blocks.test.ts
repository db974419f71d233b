import { describe, expect, it } from 'vitest';
import { barsFromSteps, eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { SwingDetector } from '../swings/swings.ts';
import { OrderBlockDetector, orderBlocks } from './order-blocks.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const [L, closeMitigation] of [
  [2, false],
  [3, true],
  [5, false],
] as const) {
  primitiveContract(
    `ob(swingLength=${L}, closeMitigation=${closeMitigation})`,
    (b) =>
      eventSubject(new OrderBlockDetector(b, new SwingDetector(b, { swingLength: L }), { closeMitigation })),
    (b) =>
      eventSubject(orderBlocks(b, new SwingDetector(b, { swingLength: L }), { closeMitigation }).detector),
    L === 5 ? { data: eurusd, runs: 15 } : {},
  );
}

describe('ob: blocks', () => {
  it('sit strictly before the bar that broke the swing and are published no earlier than that bar', () => {
    const steps = Array.from({ length: 3000 }, (_, i) =>
      Math.round(Math.sin(i / 9) * 5 + Math.cos(i / 2.7) * 3),
    );
    const b = barsFromSteps(steps, [3, 8, 1, 10, 4]);
    const d = new OrderBlockDetector(b, new SwingDetector(b, { swingLength: 3 }));
    d.update(b.length - 1);
    const created = d.events.filter((e) => e.type === 'ob');
    expect(created.length).toBeGreaterThan(20);
    for (const e of created) {
      expect(e.anchor).toBeLessThan(e.crossIndex);
      expect(e.knownAt).toBeGreaterThanOrEqual(e.crossIndex);
      expect(e.dir === 1 ? b.close[e.crossIndex] > b.high[e.anchor] || true : true).toBe(true);
    }
    expect(d.events.some((e) => e.type === 'ob-mitigated')).toBe(true);
  });
});
