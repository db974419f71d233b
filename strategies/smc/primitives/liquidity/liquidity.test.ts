import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsFromSteps, eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { SwingDetector, swingHighsLows } from '../swings/swings.ts';
import type { Bars, ReferenceTable } from '../types.ts';
import { LiquidityDetector, liquidity, referenceLiquidityRange, renderLiquidity } from './liquidity.ts';

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

/**
 * The reference's algorithm written plainly (quadratic, on the final swings table): each unused swing
 * opens `level ± range`, later unused same-type swings inside it and before its sweep join, a group of two
 * or more is a pool. The detector must render the same table on any series.
 */
function naiveLiquidity(b: Bars, swingTable: ReferenceTable, range: number): Float64Array[] {
  const [hl, lvl] = swingTable.columns;
  const n = b.length;
  const out = [0, 1, 2, 3].map(() => new Float64Array(n).fill(Number.NaN));
  const used = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const dir = hl[i];
    if ((dir !== 1 && dir !== -1) || used[i]) continue;
    const lo = lvl[i] - range;
    const hi = lvl[i] + range;
    let swept = 0;
    for (let c = i + 1; c < n && swept === 0; c++)
      if (dir === 1 ? b.high[c] >= hi : b.low[c] <= lo) swept = c;
    let sum = lvl[i];
    let count = 1;
    let end = i;
    for (let j = i + 1; j < n && (swept === 0 || j < swept); j++) {
      if (hl[j] !== dir || used[j] || lvl[j] < lo || lvl[j] > hi) continue;
      sum += lvl[j];
      count++;
      end = j;
      used[j] = 1;
    }
    if (count < 2) continue;
    out[0][i] = dir;
    out[1][i] = Math.fround(sum / count);
    out[2][i] = end;
    out[3][i] = swept;
  }
  return out;
}

describe('liquidity: many open heads (storage past its initial room)', () => {
  it('renders what the plain algorithm does on series with hundreds of heads per side', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1500, maxLength: 2500 }),
        fc.constantFrom(0, 0.5, 1.5, 4),
        (steps, range) => {
          const b = barsFromSteps(steps, [2, 5, 1, 3]);
          const swings = swingHighsLows(b, { swingLength: 2 });
          const { detector, table } = liquidity(b, new SwingDetector(b, { swingLength: 2 }), 0.01);
          // The batch function takes its range from the data; the same run with the generated one:
          const d = new LiquidityDetector(b, new SwingDetector(b, { swingLength: 2 }), { range });
          d.update(b.length - 1);
          d.finish();
          expect(renderLiquidity(d.columns, b.length).columns).toEqual(
            naiveLiquidity(b, swings.table, range),
          );
          expect(table.columns).toEqual(naiveLiquidity(b, swings.table, referenceLiquidityRange(b, 0.01)));
          expect(detector.columns.count).toBeGreaterThan(0);
        },
      ),
      { numRuns: 12 },
    );
  });
});
