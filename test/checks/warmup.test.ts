import { describe, expect, it } from 'vitest';
import { generateUniverse } from '../../data/synthetic/index.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import {
  checkWarmup,
  type NamedStrategy,
  offsetStarts,
  requiredWarmupBars,
  requiredWarmupMs,
  type WarmupStrategyReport,
} from '../../engine/research/checks/index.ts';
import { EmaCrossStrategy } from '../../strategies/ema-cross/ema-cross.ts';
import { emaWarmupBars, MomentumStrategy, parseMomentumConfig } from '../../strategies/momentum/index.ts';
import { parseStrategyConfig } from '../../strategies/smc/config.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import {
  ACTION_CODE,
  actionName,
  type Decision,
  type PreparedStrategy,
  packDecision,
  type Strategy,
  type StrategyInput,
} from '../../strategies/strategy.ts';

/**
 * `smc check warmup` as a library (issue 7 item 6): measured warm-ups on synthetic data with known
 * answers (a rolling window needs exactly its length; an SMA-seeded EMA needs more than its period and
 * less than its analytic bound), a declared warm-up that is too short is reported as such, and a
 * strategy whose decisions never forget the data start is caught.
 */
const H = TIMEFRAME_MS['1h'];
const DAY = TIMEFRAME_MS['1d'];
const named = (id: string, strategy: NamedStrategy['strategy']): NamedStrategy => ({
  id,
  kind: 'test',
  strategy,
});
const [hourly] = generateUniverse({ symbols: 1, timeframe: '1h', length: 24 * 200, seed: 8 });

function item(r: WarmupStrategyReport, name: string, tf?: Timeframe) {
  const x = r.features.find((f) => f.name === name && (tf === undefined || f.timeframe === tf));
  if (x === undefined)
    throw new Error(`no feature ${name} ${tf ?? ''} in ${r.features.map((f) => f.name).join(', ')}`);
  return x;
}

/** LONG while the close is above the first close of the data: its decisions depend on the start forever. */
class FirstCloseStrategy implements Strategy {
  readonly id = 'first-close';
  readonly reasonNames = ['NONE', 'BELOW'];
  requiredTimeframes(base: Timeframe): Timeframe[] {
    return [base];
  }
  warmupBars(): number {
    return 0;
  }
  prepare(input: StrategyInput): PreparedStrategy {
    const s = input.candles[input.baseTimeframe];
    if (s === undefined) throw new Error('no base candles');
    const long = (i: number) => s.close[i] > s.close[0];
    return {
      symbol: input.symbol,
      length: s.length,
      decisionTime: (i) => s.ts[i] + H,
      decide: (i) => (long(i) ? packDecision(ACTION_CODE.LONG, 0) : packDecision(ACTION_CODE.NO_SIGNAL, 1)),
      describe: (i): Decision => ({
        strategyId: this.id,
        symbol: input.symbol,
        ts: s.ts[i] + H,
        action: actionName(long(i) ? 1 : 0),
        reasons: long(i) ? [] : ['BELOW'],
        entry: null,
        stop: null,
        tp1: null,
        tp2: null,
        tp3: null,
        score: null,
        setupType: null,
        trace: { first: s.close[0] },
      }),
    };
  }
}

describe('measured warm-up', () => {
  it('a rolling window needs exactly its length; the momentum strategy’s declared warm-up covers every input', () => {
    const strategy = new MomentumStrategy(
      parseMomentumConfig({
        channel: { timeframe: '1h', bars: 30 },
        trend: { timeframe: '4h', ema_period: 10 },
      }),
    );
    const r = checkWarmup({ strategies: [named('momentum', strategy)], bases: [hourly] }).strategies[0];
    // rows 0..28 of a later start have no full window yet; the full data's do: the last differs at row 28
    expect(item(r, 'Donchian 30').measuredBars).toBe(29);
    expect(r.features.every((f) => f.coveredByStrategy && f.coveredByRequired)).toBe(true);
    expect(r.decisions.coveredByStrategy).toBe(true);
    // the required warm-up bounds the ATR and EMA at ε = 1e-4, past the strategy's own 1% tolerance
    expect(r.requiredBars).toBe(requiredWarmupBars(strategy, '1h'));
    expect(r.requiredBars).toBeGreaterThan(strategy.warmupBars('1h'));
  });

  it('an SMA-seeded EMA needs more than its period and no more than its bound; EMA cross declares too little', () => {
    const tol = 1e-6;
    const r = checkWarmup({
      strategies: [named('ema', new EmaCrossStrategy({ fast: 5, slow: 20 }))],
      bases: [hourly],
      tolerance: tol,
      epsilon: tol,
    }).strategies[0];
    const slow = item(r, 'EMA 20');
    expect(slow.boundBars).toBe(emaWarmupBars(20, tol));
    expect(slow.measuredBars).toBeGreaterThan(20);
    expect(slow.measuredBars).toBeLessThanOrEqual(emaWarmupBars(20, tol));
    // ema-cross declares `slow` bars: short at this tolerance, and the required warm-up (the bound) covers it
    expect(slow.coveredByStrategy).toBe(false);
    expect(slow.coveredByRequired).toBe(true);
    expect(r.coveredByStrategy).toBe(false);
    expect(r.requiredBars).toBe(emaWarmupBars(20, tol) + 1);
  });

  it('catches decisions that never forget where the data starts', () => {
    const report = checkWarmup({ strategies: [named('first', new FirstCloseStrategy())], bases: [hourly] });
    const d = report.strategies[0].decisions;
    expect(d.converged).toBe(false);
    expect(d.measuredBars).toBeNull();
    expect(d.coveredByRequired).toBe(false);
    expect(report.ok).toBe(false);
    expect(d.disagreeingAfterWarmup).toBeGreaterThan(0);
  });

  it('measures every SMC input per timeframe and names what the decisions settled on last', () => {
    const [base] = generateUniverse({ symbols: 1, timeframe: '15m', length: 96 * 150, seed: 12 });
    const config = parseStrategyConfig({
      bias: { ema_period: 20 },
      warmup: { daily_bars: 20, decision_bars: 10 },
      regimes: { atr_percentile_window: 30 },
    });
    const r = checkWarmup({ strategies: [named('smc', new SmcStrategy(config))], bases: [base] })
      .strategies[0];
    expect(r.features.map((f) => `${f.name} ${f.timeframe}`)).toEqual([
      'EMA 20 1d',
      'ATR 14 4h',
      'ATR/close percentile 30 4h',
      'BOS/CHoCH legs (swing 5) 4h',
      'order blocks (swing 5) 4h',
      'fair value gaps 4h',
      'BOS/CHoCH legs (swing 5) 1h',
      'order blocks (swing 5) 1h',
      'fair value gaps 1h',
    ]);
    expect(item(r, 'EMA 20').measuredBars).toBeGreaterThanOrEqual(19);
    expect(item(r, 'ATR 14').measuredBars).toBeLessThanOrEqual(item(r, 'ATR 14').boundBars ?? 0);
    expect(r.decisions.measurements).toHaveLength(3);
    expect(r.decisions.timeframe).toBe('15m');
    expect(r.decisions.worst?.column).toMatch(/^(warm-up|bias|structure|regime|ote|targets|score)\b/);
  });
});

describe('required warm-up (what backtests load)', () => {
  it('is the longest of the declared warm-up and each smoothed input’s bound', () => {
    // SMC defaults: EMA 200 on 1d needs 200 + ⌈ln ε / ln(199/201)⌉ days (+1 for a partial day): 661 at
    // ε = 0.01, 1,122 at the default ε = 1e-4
    expect(emaWarmupBars(200, 0.01)).toBe(661);
    expect(emaWarmupBars(200, 1e-4)).toBe(1122);
    expect(requiredWarmupBars(new SmcStrategy(), '1h')).toBe(1123 * 24);
    expect(requiredWarmupBars(new SmcStrategy(), '1h', 0.01)).toBe(662 * 24);
    expect(new SmcStrategy().warmupBars('1h')).toBe(201 * 24);
    expect(requiredWarmupMs(parseBacktestConfig({}), '1h')).toBe(1123 * DAY);
    // a config states its own ε
    expect(requiredWarmupMs(parseBacktestConfig({ backtest: { warmup_epsilon: 0.01 } }), '1h')).toBe(
      662 * DAY,
    );
    // the momentum strategy declares its bounds itself
    // the momentum strategy declares its bounds at its own `warmup.tolerance` (0.01) and gets them at ε
    expect(requiredWarmupBars(new MomentumStrategy(), '1h', 0.01)).toBe(
      new MomentumStrategy().warmupBars('1h'),
    );
  });
});

describe('offsetStarts', () => {
  it('moves each fraction of the span to the next UTC midnight inside the data', () => {
    const starts = offsetStarts(hourly, [0.1, 0.2, 0.3]);
    expect(starts).toHaveLength(3);
    for (const t of starts) expect(t % DAY).toBe(0);
    expect(starts[0]).toBe(hourly.ts[0] + 20 * DAY);
    expect(offsetStarts(hourly, [0.1, 0.1])).toHaveLength(1);
  });
});
