import { describe, expect, it } from 'vitest';
import { seriesFromLegs } from '../../data/synthetic/index.ts';
import { parseStrategyConfig, type StrategyConfigInput } from '../../strategies/smc/config.ts';
import type { StructureBreak } from '../../strategies/smc/context/structure-leg.ts';
import { funnelAddsUp } from '../../strategies/smc/funnel.ts';
import { Atr } from '../../strategies/smc/indicators/atr.ts';
import { createSmcStrategy, runPipeline, SmcStrategy } from '../../strategies/smc/pipeline.ts';
import { allTimeframes, barAt, scriptedStructure } from './kit.ts';

/**
 * A hand-built bullish setup on a 1h base (4h = 4 base bars):
 * - 1h bars 0–95 rise 100 → 120 (a swing high at 120 on 4h bar 23), 96–111 fall to 110 (the leg origin,
 *   low 110 × 0.999 on 4h bars 27/28), 112–127 rise to 130 (close above 120 on 4h bar 30: the BOS),
 *   128–142 retrace 129 → 115 one point per bar, 143–151 hold 115.
 * - Daily closes 105, 110, 115, 120, 120 → EMA(2) 119.17 on day 4: bullish on day 5 (bars 120–142);
 *   day 5 closes at 115 < EMA 116.39 at the close of bar 143 (the day's last hour): bearish from then.
 * - Leg: origin 109.89, extreme 130.13, OTE (0.618–0.786) = closes 114.22 … 117.62 → bars 140–142 (117,
 *   116, 115).
 */
const base = seriesFromLegs(
  100,
  [
    { to: 120, bars: 96 },
    { to: 110, bars: 16 },
    { to: 130, bars: 16 },
    { to: 115, bars: 15 },
    { to: 115, bars: 9 },
  ],
  { timeframe: '1h', symbol: 'TEST', wickPct: 0.001 },
);
const candles = allTimeframes(base);
const bos4h: StructureBreak = { dir: 1, kind: 'BOS', level: 120, anchor: 23, brokenIndex: 30, knownAt: 30 };
const source = scriptedStructure({ '4h': [bos4h] });
const small: StrategyConfigInput = {
  bias: { ema_period: 2 },
  warmup: { daily_bars: 2, decision_bars: 2 },
  stop: { atr_period: 2 },
  regimes: { atr_percentile_window: 2, volatile_atr_percentile: 1 },
};
const cfg = (extra: StrategyConfigInput = {}) =>
  parseStrategyConfig({
    ...small,
    ...extra,
    ote: { ...extra.ote },
    structure: { ...extra.structure },
  });

function run(extra: StrategyConfigInput = {}, structureSource = source) {
  return runPipeline(candles, cfg(extra), { baseTimeframe: '1h', structureSource });
}

const origin = 110 * (1 - 0.001);
const extreme = 130 * (1 + 0.001);

describe('SMC pipeline on a hand-built bullish BOS', () => {
  const prepared = new SmcStrategy(cfg(), { structureSource: source }).prepare({
    symbol: 'TEST',
    baseTimeframe: '1h',
    candles,
  });

  it('rejects with 4H_STRUCTURE_REQUIRED until the 4h bar of the break has closed', () => {
    // 4h bar 30 = 1h bars 120–123; it is closed at the close of 1h bar 123
    expect(prepared.describe(122).reasons).toEqual(['4H_STRUCTURE_REQUIRED']);
    expect(prepared.describe(122).trace.structure_status).toBe('none');
    const at123 = prepared.describe(123);
    expect(at123.reasons).toEqual(['ENTRY_NOT_IN_OTE']);
    expect(at123.trace.structure_known_ts).toBe(base.ts[123] + 3_600_000);
  });

  it('signals LONG exactly while the close is in the OTE zone, with stop and targets from the leg', () => {
    const atr4h = new Atr(2);
    const h4 = candles['4h'];
    if (h4 === undefined) throw new Error('no 4h');
    let atrAt34 = Number.NaN;
    for (let j = 0; j <= 34; j++) atrAt34 = atr4h.push(h4.high[j], h4.low[j], h4.close[j]);
    const legAtr = (extreme - origin) / atrAt34;
    expect(legAtr).toBeGreaterThan(4); // wide_smc by the default thresholds
    expect(legAtr).toBeLessThan(12);

    for (const i of [138, 139]) expect(prepared.describe(i).reasons).toEqual(['ENTRY_NOT_IN_OTE']);
    for (const [i, close] of [
      [140, 117],
      [141, 116],
      [142, 115],
    ]) {
      const d = prepared.describe(i);
      expect(d.action).toBe('LONG');
      expect(d.reasons).toEqual([]);
      expect(d.entry).toBeCloseTo(close, 9);
      expect(d.trace.leg_origin).toBeCloseTo(origin, 9);
      expect(d.trace.leg_extreme).toBeCloseTo(extreme, 9);
      expect(d.trace.retracement).toBeCloseTo((extreme - close) / (extreme - origin), 9);
      expect(d.trace.regime).toBe('wide_smc');
      expect(d.stop).toBeCloseTo(origin - 0.2 * atrAt34, 9);
      expect(d.tp1).toBeCloseTo(extreme, 9);
      expect(d.tp2).toBeCloseTo(origin + 1.272 * (extreme - origin), 9);
      expect(d.tp3).toBeCloseTo(origin + 1.618 * (extreme - origin), 9);
      expect(d.setupType).toBe('BOS_4H');
      expect(d.ts).toBe(base.ts[i] + 3_600_000);
      // 25 (BOS) + 25 × OTE quality + 20 × 0.6 (wide)
      const r = (extreme - close) / (extreme - origin);
      const q = 1 - (0.5 * Math.abs(r - 0.702)) / 0.084;
      expect(d.score).toBeCloseTo(25 + 25 * q + 12, 9);
    }
  });

  it('the daily bias turning bearish at the day close makes the bullish break count as against bias', () => {
    const d = prepared.describe(143);
    expect(d.trace.bias_dir).toBe(-1);
    expect(d.reasons).toEqual(['4H_STRUCTURE_REQUIRED']);
    expect(d.trace.structure_status).toBe('against_bias');
  });

  it('the funnel adds up and counts the three signals', () => {
    const { funnel, decisions } = run();
    expect(funnelAddsUp(funnel)).toBe(true);
    expect(funnel.candidates).toBe(base.length);
    expect(funnel.long).toBe(3);
    expect(funnel.short).toBe(0);
    expect(decisions.signals.map((s) => s.ts)).toEqual([140, 141, 142].map((i) => base.ts[i] + 3_600_000));
  });

  it('relaxing the OTE zone lets the close at 118 (retracement 0.599) through the OTE gate', () => {
    const def = run();
    const relaxed = run({ ote: { tolerance: 0.05 } });
    const times = (r: typeof def) => r.decisions.signals.map((s) => s.ts);
    expect(times(relaxed)).toEqual(expect.arrayContaining(times(def)));
    expect(relaxed.funnel.byReason.ENTRY_NOT_IN_OTE).toBe(def.funnel.byReason.ENTRY_NOT_IN_OTE - 1);
    // 0.599 is far from the zone's middle: 25 + 25 × 0.387 + 12 = 46.7 < 50
    expect(relaxed.funnel.byReason.SCORE_BELOW_THRESHOLD).toBe(1);
    const relaxedLow = run({ ote: { tolerance: 0.05 }, score: { threshold: 45 } });
    expect(times(relaxedLow)).toContain(base.ts[139] + 3_600_000);
    const off = run({ ote: { enabled: false } });
    expect(off.funnel.signals).toBeGreaterThan(relaxed.funnel.signals);
    for (const r of [relaxed, relaxedLow, off]) expect(funnelAddsUp(r.funnel)).toBe(true);
  });

  it('a score threshold above the setup score rejects it with SCORE_BELOW_THRESHOLD', () => {
    const r = run({ score: { threshold: 90 } });
    expect(r.funnel.signals).toBe(0);
    expect(r.funnel.byReason.SCORE_BELOW_THRESHOLD).toBe(3);
  });

  it('only tight_smc allowed rejects the wide leg with REGIME_NOT_TRADEABLE', () => {
    const r = run({ regimes: { ...small.regimes, allowed: ['tight_smc'] } });
    expect(r.funnel.signals).toBe(0);
    expect(r.funnel.byReason.REGIME_NOT_TRADEABLE).toBeGreaterThan(0);
  });
});

describe('structure timeframe variants', () => {
  const bos1h: StructureBreak = {
    dir: 1,
    kind: 'CHOCH',
    level: 120,
    anchor: 95,
    brokenIndex: 120,
    knownAt: 120,
  };
  const only1h = scriptedStructure({ '1h': [bos1h] });

  it('without the fallback a 1h break alone is not enough (4H_STRUCTURE_REQUIRED)', () => {
    const r = run({}, only1h);
    expect(r.funnel.signals).toBe(0);
    expect(r.funnel.byReason['4H_STRUCTURE_REQUIRED']).toBeGreaterThan(0);
  });

  it('accept_1h_fallback trades the 1h leg, tagged as a fallback setup', () => {
    const r = run({ structure: { accept_1h_fallback: true }, ote: { enabled: false } }, only1h);
    expect(r.funnel.signals).toBeGreaterThan(0);
    for (const s of r.decisions.signals) {
      expect(s.trace.structure_tf).toBe('1h');
      expect(s.trace.structure_status).toBe('none'); // the 4h status that made it fall back
      expect(s.setupType).toMatch(/^CHOCH_1H_FALLBACK/);
    }
  });

  it("structure.timeframe '1h' rejects with 1H_STRUCTURE_REQUIRED when the 1h has no break", () => {
    const r = run({ structure: { timeframe: '1h' } }, scriptedStructure({}));
    expect(r.funnel.byReason['1H_STRUCTURE_REQUIRED']).toBeGreaterThan(0);
    expect(r.funnel.byReason['4H_STRUCTURE_REQUIRED']).toBe(0);
  });
});

describe('stepping API (live) equals the batch pipeline', () => {
  it('gives the same decision at every bar, for the default and a relaxed variant', () => {
    for (const extra of [
      {},
      { ote: { tolerance: 0.05 } },
      { ote: { enabled: false } },
    ] as StrategyConfigInput[]) {
      const c = cfg(extra);
      const prepared = new SmcStrategy(c, { structureSource: source }).prepare({
        symbol: 'TEST',
        baseTimeframe: '1h',
        candles,
      });
      const live = createSmcStrategy(c, { symbol: 'TEST', baseTimeframe: '1h', structureSource: source });
      for (let i = 0; i < base.length; i++) {
        expect(live.onBarClose(barAt(base, i))).toEqual(prepared.describe(i));
      }
    }
  });
});
