import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSeries } from '../../../data/synthetic/index.ts';
import type { Timeframe } from '../../../data/timeframes.ts';
import { StructureFeature } from './features.ts';
import { createPrimitiveStructureSource } from './primitive-source.ts';

/** Every column of a structure feature, trimmed to its rows. */
function columns(f: StructureFeature): Record<string, number[]> {
  const n = f.length;
  const col = (c: { data: ArrayLike<number> }) => Array.from(c.data).slice(0, n);
  return {
    dir: col(f.leg.dir),
    kind: col(f.leg.kind),
    level: col(f.leg.level),
    origin: col(f.leg.origin),
    extreme: col(f.leg.extreme),
    knownAt: col(f.leg.knownAt),
    invalidated: col(f.leg.invalidated),
    obBullLow: col(f.obBullLow),
    obBullHigh: col(f.obBullHigh),
    obBearLow: col(f.obBearLow),
    obBearHigh: col(f.obBearHigh),
    fvgBullLow: col(f.fvgBullLow),
    fvgBullHigh: col(f.fvgBullHigh),
    fvgBearLow: col(f.fvgBearLow),
    fvgBearHigh: col(f.fvgBearHigh),
  };
}

describe('StructureFeature batch build (closeThrough)', () => {
  it('writes exactly the rows of the bar-by-bar build, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.constantFrom<Timeframe>('1h', '4h'),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 0, max: 2_999 }),
        (seed, tf, swingLength, split) => {
          const bars = syntheticSeries({ symbol: 'X', timeframe: tf, length: 3_000, seed, startPrice: 50 });
          const stepwise = new StructureFeature(tf, createPrimitiveStructureSource(tf, swingLength), 16);
          for (let j = 0; j < bars.length; j++) stepwise.closeBar(bars, j);
          // Batch in two pieces (a live buffer may be built up to a point, then continued).
          const batch = new StructureFeature(tf, createPrimitiveStructureSource(tf, swingLength), 16);
          batch.closeThrough(bars, split);
          batch.closeThrough(bars, bars.length - 1);
          expect(batch.length).toBe(bars.length);
          expect(columns(batch)).toEqual(columns(stepwise));
          // Not a vacuous comparison: the series has breaks and zones.
          expect(stepwise.leg.dir.data.some((d) => d !== 0)).toBe(true);
          expect(columns(stepwise).fvgBullLow.some((x) => !Number.isNaN(x))).toBe(true);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });

  it('mixes with closeBar: bar-by-bar first, then the rest in one go', () => {
    const bars = syntheticSeries({ symbol: 'Y', timeframe: '1h', length: 2_000, seed: 3, startPrice: 20 });
    const stepwise = new StructureFeature('1h', createPrimitiveStructureSource('1h', 5));
    for (let j = 0; j < bars.length; j++) stepwise.closeBar(bars, j);
    const mixed = new StructureFeature('1h', createPrimitiveStructureSource('1h', 5));
    for (let j = 0; j < 700; j++) mixed.closeBar(bars, j);
    mixed.closeThrough(bars, bars.length - 1);
    expect(columns(mixed)).toEqual(columns(stepwise));
  });
});
