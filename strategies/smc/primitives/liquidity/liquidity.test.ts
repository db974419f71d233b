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

describe('liquidity and swings: typed columns past their initial room', () => {
  // swingLength 2: a high of 11 every 4th bar (else 10) and a low of 4 two bars later (else 5) make a swing
  // every 2 bars, far past the columns' initial room, and one pool holding every swing high.
  const n = 1200;
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  const bars = {
    length: n,
    ts: f((i) => i * 900_000),
    open: f(() => 7),
    high: f((i) => (i % 4 === 0 ? 11 : 10)),
    low: f((i) => (i % 4 === 2 ? 4 : 5)),
    close: f(() => 7),
    volume: f(() => 1),
  };

  it('keeps every swing and every pool member when the columns grow', () => {
    const swings = new SwingDetector(bars, { swingLength: 2 });
    const d = new LiquidityDetector(bars, swings, { range: 0.5 });
    for (let t = 0; t < n; t++) d.update(t);
    const real = swings.events.filter((e) => e.edge === 'none');
    // Bars 4..n-3 (bar 0's window is incomplete, the last two are never confirmed).
    expect(real.length).toBe((n - 4) / 2 - 1);
    for (const [k, e] of real.entries()) {
      expect([e.type, e.anchor, e.knownAt, e.dir, e.level]).toEqual(
        k % 2 === 0 ? ['swing', 4 + 2 * k, 6 + 2 * k, 1, 11] : ['swing', 4 + 2 * k, 6 + 2 * k, -1, 4],
      );
    }
    expect(swings.columns.anchor.length).toBeGreaterThan(64);
    const highs = real.filter((e) => e.dir === 1);
    const last = d.events.filter((e) => e.dir === 1).at(-1);
    expect(last).toMatchObject({
      type: 'liquidity',
      anchor: 4,
      level: 11,
      members: highs.length,
      end: highs[highs.length - 1].anchor,
      swept: -1,
    });
  });
});
