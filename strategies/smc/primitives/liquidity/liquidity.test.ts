import { describe, expect, it } from 'vitest';
import { barsFromSteps, eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { SwingDetector } from '../swings/swings.ts';
import { LiquidityDetector, liquidity, referenceLiquidityRange } from './liquidity.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const [L, range] of [
  [2, 3],
  [5, 0.0005],
] as const) {
  primitiveContract(
    `liquidity(swingLength=${L}, range=${range})`,
    (b) => eventSubject(new LiquidityDetector(b, new SwingDetector(b, { swingLength: L }), { range })),
    (b) => {
      const d = new LiquidityDetector(b, new SwingDetector(b, { swingLength: L }), { range });
      if (b.length > 0) d.update(b.length - 1);
      d.finish();
      return eventSubject(d);
    },
    L === 5 ? { data: eurusd, runs: 15 } : {},
  );
}

describe('liquidity: pools', () => {
  it('average their members, end at the last one and publish the sweep at the sweeping bar', () => {
    const steps = Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i / 6) * 4));
    const b = barsFromSteps(steps, [2, 6, 1]);
    const { detector } = liquidity(b, new SwingDetector(b, { swingLength: 2 }), 0.05);
    const range = referenceLiquidityRange(b, 0.05);
    const pools = detector.events.filter((e) => e.type === 'liquidity');
    expect(pools.length).toBeGreaterThan(5);
    for (const e of pools) {
      expect(e.members).toBeGreaterThanOrEqual(2);
      expect(e.end).toBeGreaterThan(e.anchor);
    }
    for (const e of detector.events.filter((x) => x.type === 'liquidity-swept')) {
      expect(e.dir === 1 ? b.high[e.swept] : -b.low[e.swept]).toBeGreaterThanOrEqual(
        e.dir === 1 ? b.high[e.anchor] + range - 1e-9 : -(b.low[e.anchor] - range) - 1e-9,
      );
    }
  });
});
