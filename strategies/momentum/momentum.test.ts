import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns, sliceSeries } from '../../data/candles/series.ts';
import { resample } from '../../data/resample/resample.ts';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { type CandlesByTimeframe, unpackAction, unpackReason } from '../strategy.ts';
import { type MomentumConfigInput, MomentumStrategySpecSchema, parseMomentumConfig } from './config.ts';
import { MOMENTUM_REASON_NAMES } from './decision.ts';
import { atrWarmupBars, emaWarmupBars, rollingExtreme } from './indicators.ts';
import { MomentumStrategy } from './strategy.ts';

const H = TIMEFRAME_MS['1h'];

interface Row {
  o?: number;
  h: number;
  l: number;
  c: number;
}

function hourly(rows: Row[], t0 = 0): CandleSeries {
  return seriesFromColumns(
    { source: 't', symbol: 'BTC', timeframe: '1h' },
    {
      ts: rows.map((_, i) => t0 + i * H),
      open: rows.map((r) => r.o ?? r.c),
      high: rows.map((r) => r.h),
      low: rows.map((r) => r.l),
      close: rows.map((r) => r.c),
      volume: rows.map(() => 1),
    },
  );
}

function candlesOf(base: CandleSeries, strategy: MomentumStrategy): CandlesByTimeframe {
  const out: CandlesByTimeframe = {};
  for (const tf of strategy.requiredTimeframes(base.timeframe)) out[tf] = resample(base, tf);
  return out;
}

function prepare(base: CandleSeries, input: MomentumConfigInput) {
  const strategy = new MomentumStrategy(parseMomentumConfig(input));
  return strategy.prepare({
    symbol: base.symbol,
    baseTimeframe: base.timeframe,
    candles: candlesOf(base, strategy),
  });
}

const reasonAt = (p: ReturnType<typeof prepare>, i: number) =>
  MOMENTUM_REASON_NAMES[unpackReason(p.decide(i))];

/**
 * Hand-built 1h series, channel on the base timeframe (3 bars), ATR(2), trend filter off, warm-up
 * tolerance 0.5 so the ATR needs 2 + ⌈ln 0.5 / ln 0.5⌉ = 3 bars and the channel max(3 + 1, 3) = 4:
 * bars 0–3 warm up. Every bar before the breakout is 99–101, close 100, so every true range is 2 and the
 * ATR is exactly 2.
 */
const flat: Row = { h: 101, l: 99, c: 100 };
const handConfig: MomentumConfigInput = {
  channel: { timeframe: '1h', bars: 3 },
  atr: { period: 2 },
  stop: { atr_multiple: 1.5 },
  targets: { r_multiples: [1, 2, 3] },
  trend: { enabled: false },
  warmup: { tolerance: 0.5 },
};

describe('momentum breakout on a hand-built series', () => {
  // bar 6 closes at 102: 1 above the 3-bar range high 101, i.e. 0.5 ATR
  const base = hourly([
    flat,
    flat,
    flat,
    flat,
    flat,
    flat,
    { h: 102.5, l: 100, c: 102 },
    { h: 104.5, l: 101, c: 104 },
  ]);
  const p = prepare(base, handConfig);

  it('fires LONG at the first close above the range with the exact entry, stop and targets', () => {
    expect(unpackAction(p.decide(6))).toBe(1);
    const d = p.describe(6);
    expect(d.action).toBe('LONG');
    expect(d.reasons).toEqual([]);
    expect(d.ts).toBe(7 * H);
    // risk = 1.5 × ATR 2 = 3: stop 102 − 3, targets 102 + 3, + 6, + 9
    expect(d.entry).toBe(102);
    expect(d.stop).toBe(99);
    expect([d.tp1, d.tp2, d.tp3]).toEqual([105, 108, 111]);
    // score = 50 + 50 × min(1, 0.5 ATR)
    expect(d.score).toBe(75);
    expect(d.setupType).toBe('breakout_1H');
  });

  it('describe() traces the values behind the decision', () => {
    expect(p.describe(6).trace).toEqual({
      bar: 6,
      gate_failed: null,
      close: 102,
      prev_close: 100,
      channel_high: 101,
      channel_low: 99,
      channel_close_ts: 6 * H,
      atr: 2,
      breakout_atr: 0.5,
      trend_close: null,
      trend_ema: null,
      trend_dir: null,
    });
    const inside = p.describe(5);
    expect(inside.action).toBe('NO_SIGNAL');
    expect(inside.reasons).toEqual(['INSIDE_RANGE']);
    expect(inside.trace.gate_failed).toBe('range');
    expect(inside.trace.breakout_atr).toBeNull();
    expect([inside.entry, inside.stop, inside.score]).toEqual([null, null, null]);
  });

  it('gives no signal inside the range, warms up first, and does not chase a continuation', () => {
    expect([0, 1, 2, 3].map((i) => reasonAt(p, i))).toEqual(['WARMUP', 'WARMUP', 'WARMUP', 'WARMUP']);
    expect([4, 5].map((i) => reasonAt(p, i))).toEqual(['INSIDE_RANGE', 'INSIDE_RANGE']);
    // bar 7 closes above its range too (102.5), but bar 6 already closed above the range before it
    expect(reasonAt(p, 7)).toBe('NOT_FRESH');
    const t7 = p.describe(7).trace;
    expect(t7.breakout_atr).toBeCloseTo((104 - 102.5) / (t7.atr ?? Number.NaN), 12);
  });

  it('fires SHORT on a breakdown, mirrored', () => {
    const down = hourly([flat, flat, flat, flat, flat, flat, { h: 100, l: 97.5, c: 98 }]);
    const d = prepare(down, handConfig).describe(6);
    expect(d.action).toBe('SHORT');
    expect([d.entry, d.stop, d.tp1, d.tp2, d.tp3, d.score]).toEqual([98, 101, 95, 92, 89, 75]);
    expect(d.setupType).toBe('breakdown_1H');
  });

  it('refuses a breakout weaker than min_breakout_atr', () => {
    const q = prepare(base, { ...handConfig, channel: { timeframe: '1h', bars: 3, min_breakout_atr: 0.6 } });
    expect(reasonAt(q, 6)).toBe('WEAK_BREAKOUT');
  });

  it('refuses a zero stop distance on flat prices', () => {
    const still: Row = { h: 100, l: 100, c: 100 };
    const q = prepare(hourly([still, still, still, still, still, { h: 101, l: 100, c: 101 }]), handConfig);
    expect(reasonAt(q, 5)).toBe('ZERO_ATR');
  });
});

describe('momentum trend filter and channel on a higher timeframe', () => {
  // 1h base, 4h channel of 2 bars, 1d trend EMA of 2 days (tolerance 0.5: 2 + 1 = 3 closed days)
  const cfg: MomentumConfigInput = {
    channel: { timeframe: '4h', bars: 2 },
    atr: { period: 2 },
    trend: { enabled: true, timeframe: '1d', ema_period: 2 },
    warmup: { tolerance: 0.5 },
  };

  function days(trend: 'up' | 'down'): CandleSeries {
    const rows: Row[] = [];
    // three days drifting by ±1/hour, then a quiet day at the last close, then a spike up on day 5
    let c = 1000;
    for (let i = 0; i < 72; i++) {
      c += trend === 'up' ? 1 : -1;
      rows.push({ h: c + 0.5, l: c - 0.5, c });
    }
    for (let i = 0; i < 24; i++) rows.push({ h: c + 0.5, l: c - 0.5, c });
    rows.push({ h: c + 10, l: c, c: c + 8 });
    return hourly(rows);
  }

  it('takes the breakout with the trend', () => {
    const p = prepare(days('up'), cfg);
    const d = p.describe(96);
    expect(d.action).toBe('LONG');
    // the range: the two 4h bars closed by the spike's open (day 4, 16:00–24:00), all at 1072 ± 0.5
    expect(d.trace.channel_high).toBe(1072.5);
    expect(d.trace.channel_close_ts).toBe(96 * H);
    expect(d.trace.trend_dir).toBe(1);
  });

  it('refuses the same breakout against the trend', () => {
    const p = prepare(days('down'), cfg);
    const d = p.describe(96);
    expect(d.reasons).toEqual(['TREND_AGAINST']);
    expect(d.trace.trend_dir).toBe(-1);
    // the daily close is the last closed day's, not the day the spike is in
    expect(d.trace.trend_close).toBe(928);
  });

  it('reads a higher bar only once it has closed', () => {
    // the spike is base bar 96, inside the 4h bucket 96–99 and the day 96–119: neither is in its inputs
    const p = prepare(days('up'), cfg);
    expect(p.describe(96).trace.channel_close_ts).toBeLessThanOrEqual(p.decisionTime(96) - H);
  });

  it('refuses a channel timeframe finer than the base', () => {
    const s = new MomentumStrategy(parseMomentumConfig({ channel: { timeframe: '15m' } }));
    expect(() => s.requiredTimeframes('1h')).toThrow(/channel\.timeframe 15m/);
  });
});

describe('momentum warm-up', () => {
  it('declares the bars before the first possible signal (every earlier decision is WARMUP)', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '1h', length: 24 * 400, seed: 4 });
    const strategy = new MomentumStrategy();
    const p = strategy.prepare({
      symbol: base.symbol,
      baseTimeframe: '1h',
      candles: candlesOf(base, strategy),
    });
    const firstNonWarmup = Array.from({ length: p.length }, (_, i) => reasonAt(p, i)).findIndex(
      (r) => r !== 'WARMUP',
    );
    const warm = strategy.warmupBars('1h');
    // data from midnight: the 166th day closes at 166 × 24 h, the close of base bar 166 × 24 − 1
    expect(firstNonWarmup).toBe(166 * 24 - 1);
    expect(firstNonWarmup).toBeLessThanOrEqual(warm);
    // defaults: EMA 50 on 1d needs 50 + ⌈ln 0.01 / ln(49/51)⌉ = 50 + 116 days; ATR 14 on 4h 14 + 63 bars
    expect(emaWarmupBars(50, 0.01)).toBe(166);
    expect(atrWarmupBars(14, 0.01)).toBe(77);
    expect(warm).toBe(167 * 24);
  });

  it('the spec schema fills defaults and refuses unknown keys by name', () => {
    const spec = MomentumStrategySpecSchema.parse({ kind: 'momentum_breakdown' });
    expect(spec.id).toBe('momentum');
    expect(spec.channel.bars).toBe(20);
    const bad = MomentumStrategySpecSchema.safeParse({ kind: 'momentum_breakdown', channel: { length: 3 } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('length');
  });

  it('rolling extremes match a naive scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        (xs, w) => {
          const hi = rollingExtreme(xs, w, 1);
          const lo = rollingExtreme(xs, w, -1);
          for (let j = 0; j < xs.length; j++) {
            if (j < w - 1) {
              expect(Number.isNaN(hi[j]) && Number.isNaN(lo[j])).toBe(true);
              continue;
            }
            const win = xs.slice(j - w + 1, j + 1);
            expect(hi[j]).toBe(Math.max(...win));
            expect(lo[j]).toBe(Math.min(...win));
          }
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe('momentum: no lookahead (truncation invariance)', () => {
  // 15m synthetic data over 120 days: all four timeframes in play
  const bases = generateUniverse({ symbols: 3, timeframe: '15m', length: 96 * 120, seed: 21 });
  const configArb = fc
    .record({
      channelTf: fc.constantFrom<Timeframe>('15m', '1h', '4h'),
      bars: fc.integer({ min: 2, max: 40 }),
      atr: fc.integer({ min: 2, max: 20 }),
      minAtr: fc.constantFrom(0, 0.1, 0.5),
      trend: fc.boolean(),
      trendTf: fc.constantFrom<Timeframe>('4h', '1d'),
      ema: fc.integer({ min: 2, max: 30 }),
      tol: fc.constantFrom(0.01, 0.1, 0.5),
    })
    .map((v) =>
      parseMomentumConfig({
        channel: { timeframe: v.channelTf, bars: v.bars, min_breakout_atr: v.minAtr },
        atr: { period: v.atr },
        trend: { enabled: v.trend, timeframe: v.trendTf, ema_period: v.ema },
        warmup: { tolerance: v.tol },
      }),
    );

  it('every decision up to t is the same on data cut after t', () => {
    let signals = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: bases.length - 1 }),
        configArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (k, cfg, u, onSignal) => {
          const base = bases[k];
          const strategy = new MomentumStrategy(cfg);
          const full = strategy.prepare({
            symbol: base.symbol,
            baseTimeframe: '15m',
            candles: candlesOf(base, strategy),
          });
          const sig: number[] = [];
          for (let i = 0; i < full.length; i++) if (unpackAction(full.decide(i)) !== 0) sig.push(i);
          signals += sig.length;
          const t =
            onSignal && sig.length > 0 ? sig[Math.floor(u * sig.length)] : Math.floor(u * (full.length - 1));
          const cut = sliceSeries(base, 0, t + 1);
          const part = strategy.prepare({
            symbol: base.symbol,
            baseTimeframe: '15m',
            candles: candlesOf(cut, strategy),
          });
          for (let i = 0; i <= t; i++) {
            if (part.decide(i) !== full.decide(i))
              throw new Error(`decision at ${i} differs when cut after ${t}`);
          }
          expect(part.describe(t)).toEqual(full.describe(t));
        },
      ),
      { numRuns: 40, seed: 20240607 },
    );
    expect(signals).toBeGreaterThan(0);
  });
});
