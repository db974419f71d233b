import { describe, expect, it } from 'vitest';
import { Atr } from './atr.ts';

describe('Atr (Wilder)', () => {
  it('matches the published Tulip Indicators ATR(5) values', () => {
    // https://tulipindicators.org/atr sample, as used by trading-signals' ATR test
    const bars: Array<[number, number, number]> = [
      [82.15, 81.29, 81.59],
      [81.89, 80.64, 81.06],
      [83.03, 81.31, 82.87],
      [83.3, 82.65, 83.0],
      [83.85, 83.07, 83.61],
      [83.9, 83.11, 83.15],
      [83.33, 82.49, 82.84],
      [84.3, 82.3, 83.99],
      [84.84, 84.15, 84.55],
      [85.0, 84.11, 84.36],
      [85.9, 84.03, 85.53],
      [86.58, 85.39, 86.54],
      [86.98, 85.76, 86.89],
      [88.0, 87.17, 87.77],
      [87.87, 87.01, 87.29],
    ];
    const published = [
      '1.12',
      '1.05',
      '1.01',
      '1.21',
      '1.14',
      '1.09',
      '1.24',
      '1.23',
      '1.23',
      '1.21',
      '1.14',
    ];
    const atr = new Atr(5);
    const got: string[] = [];
    for (const [h, l, c] of bars) {
      const v = atr.push(h, l, c);
      if (atr.isStable) got.push(v.toFixed(2));
      else expect(Number.isNaN(v)).toBe(true);
    }
    expect(got).toEqual(published);
  });

  it('uses the previous close for gaps (hand values)', () => {
    const atr = new Atr(2);
    atr.push(10, 9, 9.5); // TR = 1
    expect(atr.push(13, 12, 12.5)).toBe(2.25); // TR = max(1, |13 − 9.5|, |12 − 9.5|) = 3.5; seed (1 + 3.5) / 2
    expect(atr.push(12.6, 12.4, 12.5)).toBeCloseTo(1.225, 12); // TR 0.2; 2.25 + (0.2 − 2.25) / 2
  });
});
