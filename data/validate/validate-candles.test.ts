import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawCandles } from '../io/raw-candles.ts';
import { findGaps, formatGap } from './gaps.ts';
import { inferTimeframeFromSpacing } from './infer-timeframe.ts';
import { repairCandles } from './repair-candles.ts';
import { summarizeIssues, validateCandles } from './validate-candles.ts';

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);
type Row = [ts: number, o: number, h: number, l: number, c: number, v: number];

/** Raw candles as a CSV reader would give them: line numbers start at 2 (after the header). */
function raw(rows: Row[], problems: { index: number; message: string }[] = []): RawCandles {
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k]));
  return {
    path: 'test.csv',
    rowLabel: 'line',
    length: rows.length,
    rowNumber: Int32Array.from(rows.map((_, i) => i + 2)),
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    problems,
    hints: {},
  };
}

const ok = (i: number): Row => [T0 + i * H, 10, 12, 9, 11, 100];
const id = { source: 'synthetic', symbol: 'BTC', timeframe: '1h' as const };

describe('validateCandles', () => {
  it('passes a clean file', () => {
    const r = validateCandles(raw([ok(0), ok(1), ok(2)]), '1h');
    expect(r.issues).toEqual([]);
    expect(r.ascending).toBe(true);
  });

  it('names each defect with its file line', () => {
    const rows: Row[] = [
      ok(0),
      [T0 + H, 10, 8, 9, 9, 100], // line 3: high < low
      [T0 + 2 * H, 13, 12, 9, 11, 100], // line 4: open above high
      [T0 + 3 * H, 10, 12, 9, 8, 100], // line 5: close below low
      [T0 + 4 * H, 10, 12, 9, 11, -1], // line 6: negative volume
      [T0 + 5 * H + 60_000, 10, 12, 9, 11, 1], // line 7: off the 1h grid
      [T0 + 6 * H, 10, 12, 9, Number.POSITIVE_INFINITY, 1], // line 8: non-finite
      [T0 + 7 * H, 10, 12, 9, Number.NaN, 1], // line 9: unparseable (reader problem)
    ];
    const r = validateCandles(raw(rows, [{ index: 7, message: "line 9: close 'x' is not a number" }]), '1h');
    expect(r.issues.map((i) => [i.kind, i.row])).toEqual([
      ['high-below-low', 3],
      ['open-outside-range', 4],
      ['close-outside-range', 5],
      ['negative-volume', 6],
      ['misaligned', 7],
      ['non-finite', 8],
      ['unparseable', 9],
    ]);
    expect(r.issues[0].message).toBe('line 3: high 8 is below low 9');
    expect(r.issues[4].message).toBe('line 7: time 2020-01-01T05:01:00Z is not on a UTC 1h boundary');
    expect(r.issues[5].message).toBe('line 8: close Infinity: missing or not a finite number');
    expect(summarizeIssues(r)).toBe(
      '1 unparseable, 1 non-finite, 1 high-below-low, 1 open-outside-range, 1 close-outside-range, 1 negative-volume, 1 misaligned',
    );
  });

  it('finds duplicates (identical or not) and out-of-order rows, naming the earlier line', () => {
    const rows: Row[] = [ok(0), ok(1), ok(1), ok(3), ok(2), [T0 + H, 10, 12, 9, 10.5, 100]];
    const r = validateCandles(raw(rows), '1h');
    expect(r.ascending).toBe(false);
    expect(r.issues.map((i) => i.message)).toEqual([
      'line 4: time 2020-01-01T01:00:00Z repeats line 3 (identical values)',
      'line 6: time 2020-01-01T02:00:00Z comes after line 5 (2020-01-01T03:00:00Z)',
      'line 7: time 2020-01-01T01:00:00Z repeats line 3 (different values)',
    ]);
  });
});

describe('repairCandles', () => {
  it('drops defects, sorts, keeps the first duplicate, keeps gaps, and says so', () => {
    const rows: Row[] = [
      ok(0),
      ok(1),
      [T0 + H, 1, 2, 0.5, 1, 1],
      ok(5),
      ok(3),
      [T0 + 4 * H, 10, 8, 9, 9, 1],
      ok(3),
    ];
    const r0 = raw(rows);
    const report = validateCandles(r0, '1h');
    const fixed = repairCandles(r0, report, id);
    expect([...fixed.series.ts]).toEqual([T0, T0 + H, T0 + 3 * H, T0 + 5 * H]);
    expect(fixed.series.close[1]).toBe(11); // the first of the two 01:00 rows
    expect(fixed.droppedDefective).toBe(1);
    expect(fixed.droppedDuplicates).toBe(2);
    expect(fixed.actions).toEqual([
      'dropped 1 row(s) that cannot be repaired (1 high-below-low): line 7',
      'sorted by time: 3 row(s) were out of order',
      'dropped 1 duplicate row(s) identical to an earlier row: line 8',
      'dropped 1 duplicate row(s) with different values, kept the first in the file: line 4',
    ]);
    expect(findGaps(fixed.series).map(formatGap)).toEqual([
      '2020-01-01T02:00:00Z (1 bar)',
      '2020-01-01T04:00:00Z (1 bar)',
    ]);
  });

  it('is a plain copy for a clean file', () => {
    const r0 = raw([ok(0), ok(1)]);
    const fixed = repairCandles(r0, validateCandles(r0, '1h'), id);
    expect(fixed.actions).toEqual([]);
    expect([...fixed.series.close]).toEqual([11, 11]);
  });

  it('property: the repaired series is strictly ascending, aligned, sane, and a subset of the input', () => {
    const rowArb = fc.record({
      slot: fc.integer({ min: 0, max: 40 }),
      off: fc.constantFrom(0, 0, 0, 0, 60_000),
      o: fc.double({ min: 1, max: 100, noNaN: true }),
      h: fc.double({ min: 1, max: 100, noNaN: true }),
      l: fc.double({ min: 1, max: 100, noNaN: true }),
      c: fc.double({ min: 1, max: 100, noNaN: true }),
      v: fc.double({ min: -5, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), (rs) => {
        const rows: Row[] = rs.map((x) => [T0 + x.slot * H + x.off, x.o, x.h, x.l, x.c, x.v]);
        const r0 = raw(rows);
        const report = validateCandles(r0, '1h');
        const { series } = repairCandles(r0, report, id);
        const input = new Set(rows.map((r) => r.join()));
        for (let i = 0; i < series.length; i++) {
          if (i > 0) expect(series.ts[i]).toBeGreaterThan(series.ts[i - 1]);
          expect(series.ts[i] % H).toBe(0);
          expect(series.low[i]).toBeLessThanOrEqual(Math.min(series.open[i], series.close[i]));
          expect(series.high[i]).toBeGreaterThanOrEqual(Math.max(series.open[i], series.close[i]));
          expect(series.volume[i]).toBeGreaterThanOrEqual(0);
          const row = [
            series.ts[i],
            series.open[i],
            series.high[i],
            series.low[i],
            series.close[i],
            series.volume[i],
          ];
          expect(input.has(row.join())).toBe(true);
        }
        // A valid row is only dropped as a later duplicate: every good timestamp survives.
        const goodTs = new Set(
          rows
            .filter(
              (r) =>
                r[0] % H === 0 && r[3] <= Math.min(r[1], r[4]) && r[2] >= Math.max(r[1], r[4]) && r[5] >= 0,
            )
            .map((r) => r[0]),
        );
        expect(series.length).toBe(goodTs.size);
      }),
    );
  });
});

describe('inferTimeframeFromSpacing', () => {
  it('takes the most common step and ignores gaps', () => {
    const ts = Float64Array.from([0, 1, 2, 5, 6, 7, 9].map((i) => T0 + i * 900_000));
    expect(inferTimeframeFromSpacing(ts)).toBe('15m');
    expect(inferTimeframeFromSpacing(Float64Array.from([T0, T0 + 86_400_000]))).toBe('1d');
    expect(inferTimeframeFromSpacing(Float64Array.from([T0, T0 + 300_000, T0 + 600_000]))).toBeUndefined();
    expect(inferTimeframeFromSpacing(Float64Array.from([T0]))).toBeUndefined();
  });
});
