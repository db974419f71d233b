import { describe, expect, it } from 'vitest';
import { ActiveZones } from './active-zones.ts';

describe('ActiveZones', () => {
  it('returns the newest zone still active, skipping removed and superseded ones', () => {
    const z = new ActiveZones();
    const out = new Float64Array(2);
    z.newest(out);
    expect(Number.isNaN(out[0]) && Number.isNaN(out[1])).toBe(true);
    z.set(3, 10, 12);
    z.set(7, 20, 22);
    z.newest(out);
    expect(Array.from(out)).toEqual([20, 22]);
    z.remove(7);
    z.newest(out);
    expect(Array.from(out)).toEqual([10, 12]);
    z.set(3, 11, 13); // re-activated with new bounds: newest again, old entry stale
    z.set(9, 30, 31);
    z.remove(9);
    z.newest(out);
    expect(Array.from(out)).toEqual([11, 13]);
    expect(z.size).toBe(1);
    z.remove(3);
    z.newest(out);
    expect(Number.isNaN(out[0])).toBe(true);
  });
});
