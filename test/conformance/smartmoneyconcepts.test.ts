import { beforeAll, describe, expect, it } from 'vitest';
import { BosChochDetector } from '../../strategies/smc/primitives/bos-choch/bos-choch.ts';
import { FvgDetector } from '../../strategies/smc/primitives/fvg/fvg.ts';
import {
  LiquidityDetector,
  referenceLiquidityRange,
} from '../../strategies/smc/primitives/liquidity/liquidity.ts';
import { OrderBlockDetector } from '../../strategies/smc/primitives/order-blocks/order-blocks.ts';
import type { TimedBars } from '../../strategies/smc/primitives/previous-high-low/previous-high-low.ts';
import { type ReferenceKind, referenceTable } from '../../strategies/smc/primitives/reference/kinds.ts';
import { RetracementTracker } from '../../strategies/smc/primitives/retracements/retracements.ts';
import { SwingDetector } from '../../strategies/smc/primitives/swings/swings.ts';
import { diffColumns } from './compare.ts';
import { eurusd, expected } from './fixture.ts';

/**
 * Conformance with smartmoneyconcepts v0.0.27 over the whole EURUSD 15m fixture: every row, every column
 * (floats within 1e-6 relative — the reference stores several columns as float32 — and NaN equals NaN).
 */
const CASES: ReadonlyArray<[string, ReferenceKind, string, Parameters<typeof referenceTable>[2]?]> = [
  ['swing_highs_lows(swing_length=5)', 'swings', 'swing_highs_lows_result_data'],
  ['fvg()', 'fvg', 'fvg_result_data'],
  ['fvg(join_consecutive=True)', 'fvg_joined', 'fvg_consecutive_result_data'],
  ['bos_choch(swings, close_break=True)', 'bos_choch', 'bos_choch_result_data'],
  ['ob(swings, close_mitigation=False)', 'ob', 'ob_result_data'],
  ['liquidity(swings, range_percent=0.01)', 'liquidity', 'liquidity_result_data'],
  ['retracements(swings)', 'retracements', 'retracements_result_data'],
  ...(['4h', '1D', 'W'] as const).map(
    (tf) =>
      [
        `previous_high_low(time_frame="${tf}")`,
        'previous_high_low',
        `previous_high_low_result_data_${tf}`,
        { swingLength: 5, rangePercent: 0.01, timeframe: tf === '4h' ? '4h' : tf === '1D' ? '1d' : '1w' },
      ] as [string, ReferenceKind, string, Parameters<typeof referenceTable>[2]],
  ),
];

describe('smartmoneyconcepts reference conformance (EURUSD 15m, whole fixture)', () => {
  let bars: TimedBars;
  beforeAll(async () => {
    bars = await eurusd();
  });

  it('reads all 24,424 bars', () => {
    expect(bars.length).toBe(24_424);
  });

  for (const [call, kind, file, params] of CASES) {
    it(`${call} matches every row and column`, () => {
      const table = referenceTable(bars, kind, params);
      const want = expected(file);
      expect(want.columns[0].length).toBe(bars.length);
      const diffs = diffColumns(table.header, table.columns, want);
      expect(diffs.slice(0, 20)).toEqual([]);
      expect(diffs.length).toBe(0);
    });
  }
});

describe('every conformant event is published no earlier than it is knowable (EURUSD)', () => {
  let bars: TimedBars;
  const L = 5;
  beforeAll(async () => {
    bars = await eurusd();
  });

  it('swings: a swing L bars after its bar; the row-0 mark with the first swing; revocations later', () => {
    const s = new SwingDetector(bars, { swingLength: L });
    s.update(bars.length - 1);
    const real = s.events.filter((e) => e.edge === 'none');
    for (const e of real) {
      if (e.type === 'swing') expect(e.knownAt).toBe(e.anchor + L);
      else expect(e.knownAt).toBeGreaterThan(e.anchor + L);
    }
    expect(s.events[0]).toMatchObject({ anchor: 0, edge: 'first', knownAt: real[0].knownAt });
    expect(s.events.filter((e) => e.type === 'swing-revoked').length).toBeGreaterThan(0);
  });

  it('bos_choch: after its fourth swing is known and after the breaking close', () => {
    const d = new BosChochDetector(bars, new SwingDetector(bars, { swingLength: L }));
    d.update(bars.length - 1);
    const confirmed = d.events.filter((e) => e.type === 'structure');
    expect(confirmed.length).toBeGreaterThan(600);
    for (const e of confirmed) {
      expect(e.knownAt).toBeGreaterThanOrEqual(e.brokenIndex);
      expect(e.knownAt).toBeGreaterThanOrEqual(e.swingAnchors[3] + L);
      expect(e.brokenIndex).toBeGreaterThanOrEqual(e.anchor + 2);
    }
    // The reference writes many facts at a swing bar although their break comes long after it.
    expect(confirmed.filter((e) => e.knownAt > e.anchor + L).length).toBeGreaterThan(confirmed.length / 2);
  });

  it('fvg: a gap the bar after its middle bar, its mitigation at the mitigating bar', () => {
    const f = new FvgDetector(bars, { joinConsecutive: true });
    f.update(bars.length - 1);
    for (const e of f.events) {
      if (e.type === 'fvg') expect(e.knownAt).toBe(e.anchor + 1);
      if (e.type === 'fvg-merged') expect(e.knownAt).toBe(e.anchor + 2);
      if (e.type === 'fvg-mitigated') expect(e.knownAt).toBe(e.mitigatedIndex);
    }
  });

  it('ob: never before the reference loop step that produced it, nor before the swings it used are final', () => {
    const o = new OrderBlockDetector(bars, new SwingDetector(bars, { swingLength: L }));
    o.update(bars.length - 1);
    for (const e of o.events) {
      expect(e.knownAt).toBeGreaterThanOrEqual(e.step + L - 1);
      expect(e.anchor).toBeLessThan(e.step);
    }
  });

  it('liquidity: a pool when its second member is known, its sweep at the sweeping bar or later', () => {
    const swings = new SwingDetector(bars, { swingLength: L });
    const q = new LiquidityDetector(bars, swings, { range: referenceLiquidityRange(bars, 0.01) });
    q.update(bars.length - 1);
    for (const e of q.events) {
      expect(e.knownAt).toBeGreaterThanOrEqual(e.end + L);
      if (e.type === 'liquidity-swept') expect(e.knownAt).toBe(e.swept);
    }
  });

  it('retracements: row r (bar r-1 values) not before bar r-1+L', () => {
    const r = new RetracementTracker(bars, new SwingDetector(bars, { swingLength: L }));
    r.update(bars.length - 1);
    expect(r.rows.rows).toBeGreaterThan(bars.length - 3 * L);
    let early = 0;
    for (let i = 1; i < r.rows.rows; i++) if (r.rows.knownAt[i] < i - 1 + L) early++;
    expect(early).toBe(0);
  });
});
