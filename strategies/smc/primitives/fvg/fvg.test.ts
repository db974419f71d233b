import { describe, expect, it } from 'vitest';
import { eventSubject, primitiveContract } from '../contract/primitive-contract.ts';
import type { TimedBars } from '../previous-high-low/previous-high-low.ts';
import { FvgDetector, fairValueGaps } from './fvg.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const joinConsecutive of [false, true]) {
  primitiveContract(
    `fvg(joinConsecutive=${joinConsecutive})`,
    (b) => eventSubject(new FvgDetector(b, { joinConsecutive })),
    (b) => eventSubject(fairValueGaps(b, { joinConsecutive }).detector),
    { data: eurusd, runs: 15 },
  );
}

function ohlc(rows: Array<[number, number, number, number]>): TimedBars {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    length: rows.length,
    ts: Float64Array.from(rows, (_, i) => i * 900_000),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(rows.length),
  };
}

describe('fvg: the three-bar gap', () => {
  // Bar 1 closes up and bar 2's low (12) stays above bar 0's high (10): a bullish gap 10..12 at bar 1.
  const b = ohlc([
    [9, 10, 8, 9.5],
    [9.5, 13, 9.4, 12.8],
    [12.8, 14, 12, 13.5],
    [13.5, 14, 12.5, 13],
    [13, 13.2, 11.9, 12],
    [12, 12.5, 11, 11.5],
  ]);

  it('is known at the bar after its middle bar and mitigated by the first bar trading into it', () => {
    const d = new FvgDetector(b, { joinConsecutive: false });
    d.update(1);
    expect(d.events).toEqual([]);
    d.update(2);
    expect(d.events).toMatchObject([{ type: 'fvg', anchor: 1, knownAt: 2, dir: 1, top: 12, bottom: 10 }]);
    d.update(5);
    expect(d.events.slice(1)).toMatchObject([
      { type: 'fvg-mitigated', anchor: 1, knownAt: 4, mitigatedIndex: 4 },
    ]);
    const t = fairValueGaps(b, { joinConsecutive: false }).table;
    expect(Array.from(t.columns[3], (v) => (Number.isNaN(v) ? null : v))).toEqual([
      null,
      4,
      null,
      null,
      null,
      null,
    ]);
  });
});
