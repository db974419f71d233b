import { describe, expect, it } from 'vitest';
import { seriesFromCloses } from '../../data/synthetic/index.ts';
import { KIND_CHOCH, StructureLegTracker } from '../../strategies/smc/context/structure-leg.ts';

describe('StructureLegTracker', () => {
  // closes (wickPct 0): highs = max(open, close), lows = min(open, close), open = previous close
  const closes = [50, 60, 55, 70, 65, 45, 40, 48, 42, 39, 41, 52, 30];
  const bars = seriesFromCloses(closes, { wickPct: 0, timeframe: '4h' });

  it('a bearish break: origin = highest high from the swing to the break, extreme = lowest low since', () => {
    const t = new StructureLegTracker();
    for (let j = 0; j < bars.length; j++) {
      // bearish CHoCH of the swing low 55 (bar 2), broken by the close at 45 on bar 5, known at bar 6
      if (j === 6)
        t.onBreak({ dir: -1, kind: 'CHOCH', level: 55, anchor: 2, brokenIndex: 5, knownAt: 6 }, bars);
      t.close(j, bars);
    }
    expect(Array.from(t.dir.data.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(t.dir.data[6]).toBe(-1);
    expect(t.kind.data[6]).toBe(KIND_CHOCH);
    expect(t.knownAt.data[6]).toBe(6);
    expect(t.origin.data[6]).toBe(70); // highest high over bars 2..5 (bar 3: open 55, close 70)
    expect(t.extreme.data[6]).toBe(40); // lowest low over bars 5..6
    expect(t.extreme.data[9]).toBe(39);
    expect(t.invalidated.data[10]).toBe(0);
    // bar 11 closes at 52: not above the origin 70, still valid; extreme unchanged
    expect(t.invalidated.data[11]).toBe(0);
    expect(t.extreme.data[12]).toBe(30);
  });

  it('a close beyond the origin after the break invalidates the leg; a newer break replaces it', () => {
    const t = new StructureLegTracker();
    for (let j = 0; j < bars.length; j++) {
      // bullish break of 48 (bar 7) by the close at 52 on bar 11, known there: origin = low 39 (bar 9)
      if (j === 11)
        t.onBreak({ dir: 1, kind: 'BOS', level: 48, anchor: 7, brokenIndex: 11, knownAt: 11 }, bars);
      t.close(j, bars);
    }
    expect(t.origin.data[11]).toBe(39);
    expect(t.extreme.data[11]).toBe(52);
    expect(t.invalidated.data[11]).toBe(0);
    expect(t.invalidated.data[12]).toBe(1); // close 30 < 39
  });

  it('a break reported late counts the bars between its break and its knownAt', () => {
    const t = new StructureLegTracker();
    for (let j = 0; j < bars.length; j++) {
      // same bearish break, but the pattern is only confirmed at bar 11: bars 6..11 are already history
      if (j === 11)
        t.onBreak({ dir: -1, kind: 'BOS', level: 55, anchor: 2, brokenIndex: 5, knownAt: 11 }, bars);
      t.close(j, bars);
    }
    expect(t.dir.data[10]).toBe(0);
    expect(t.origin.data[11]).toBe(70);
    expect(t.extreme.data[11]).toBe(39);
    expect(t.invalidated.data[11]).toBe(0);
  });
});
