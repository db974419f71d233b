import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATES, REASON_NAMES } from '../../strategies/smc/decision.ts';
import { buildFunnel, countFunnel, formatFunnelTable, funnelAddsUp } from '../../strategies/smc/funnel.ts';

/** Columnar decisions: a signal has reason 0, a rejection a reason ≥ 1 and action 0. */
const decisionsArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(1, -1).map((a) => [a, 0] as const),
      fc.integer({ min: 1, max: REASON_NAMES.length - 1 }).map((r) => [0, r] as const),
    ),
    { maxLength: 300 },
  )
  .map((rows) => ({ action: Int8Array.from(rows, (r) => r[0]), reason: Uint8Array.from(rows, (r) => r[1]) }));

describe('funnel', () => {
  it('candidates = Σ rejections + signals, per symbol and in total', () => {
    fc.assert(
      fc.property(fc.array(decisionsArb, { minLength: 1, maxLength: 4 }), (symbols) => {
        const per = Object.fromEntries(symbols.map((d, k) => [`S${k}`, countFunnel(d.action, d.reason)]));
        const funnel = buildFunnel(per);
        for (const c of Object.values(per)) expect(funnelAddsUp(c)).toBe(true);
        expect(funnelAddsUp(funnel.total)).toBe(true);
        expect(funnel.total.candidates).toBe(symbols.reduce((n, d) => n + d.action.length, 0));
        const rejected = GATES.reduce((n, g) => n + funnel.total.rejected[g], 0);
        expect(rejected + funnel.total.signals).toBe(funnel.total.candidates);
      }),
    );
  });

  it('counts by gate and by reason (hand example)', () => {
    // 2 warm-up, 3 missing 4H structure, 1 not in OTE, 1 long, 1 short
    const action = Int8Array.of(0, 0, 0, 0, 0, 0, 1, -1);
    const reason = Uint8Array.of(1, 1, 3, 3, 3, 6, 0, 0);
    const c = countFunnel(action, reason);
    expect(c.candidates).toBe(8);
    expect(c.rejected).toEqual({ warmup: 2, bias: 0, structure: 3, regime: 0, ote: 1, targets: 0, score: 0 });
    expect(c.byReason['4H_STRUCTURE_REQUIRED']).toBe(3);
    expect(c.byReason.ENTRY_NOT_IN_OTE).toBe(1);
    expect([c.signals, c.long, c.short]).toEqual([2, 1, 1]);
    const table = formatFunnelTable(buildFunnel({ BTC: c }));
    expect(table).toMatch(/structure\s+4H_STRUCTURE_REQUIRED\s+3 \(37\.5%\)/);
    expect(table).toMatch(/signals\s+total\s+2 \(25\.0%\)/);
  });

  it('a funnel that does not add up is detected', () => {
    const c = countFunnel(Int8Array.of(0, 1), Uint8Array.of(2, 0));
    c.candidates += 1;
    expect(funnelAddsUp(c)).toBe(false);
  });
});
