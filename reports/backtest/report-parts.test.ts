import { describe, expect, it } from 'vitest';
import { minMaxDownsample } from './downsample.ts';
import { funnelRows } from './specs.ts';

describe('minMaxDownsample', () => {
  it('keeps short series whole and the extremes of long ones', () => {
    expect(minMaxDownsample([1, 2, 3], [5, 6, 7]).ys).toEqual([5, 6, 7]);
    const n = 10_000;
    const ts = Array.from({ length: n }, (_, i) => i);
    const ys = ts.map((i) => (i === 4321 ? -50 : i === 8765 ? 99 : Math.sin(i)));
    const d = minMaxDownsample(ts, ys, 100);
    expect(d.ts.length).toBeLessThanOrEqual(400);
    expect(Math.min(...d.ys)).toBe(-50);
    expect(Math.max(...d.ys)).toBe(99);
    expect(d.ts).toEqual([...d.ts].sort((a, b) => a - b));
    expect(d.ts[0]).toBe(0);
    expect(d.ts.at(-1)).toBe(n - 1);
  });
});

describe('funnelRows', () => {
  it('counts down the decisions left after each rejecting gate, then signals and entries', () => {
    const rows = funnelRows({
      strategyId: 'smc',
      evaluated: 100,
      rejected: [
        { reason: 'WARMUP', count: 20 },
        { reason: 'DAILY_BIAS_NEUTRAL', count: 0 },
        { reason: '4H_STRUCTURE_REQUIRED', count: 50 },
        { reason: 'ENTRY_NOT_IN_OTE', count: 25 },
      ],
      signals: 5,
      outcomes: [
        { outcome: 'cooldown:SIGNAL_COOLDOWN', count: 3 },
        { outcome: 'entered', count: 2 },
      ],
    });
    expect(rows.map((r) => [r.stage, r.remaining])).toEqual([
      ['evaluated', 100],
      ['after WARMUP', 80],
      ['after 4H_STRUCTURE_REQUIRED', 30],
      ['after ENTRY_NOT_IN_OTE', 5],
      ['signals', 5],
      ['entered', 2],
    ]);
  });
});
