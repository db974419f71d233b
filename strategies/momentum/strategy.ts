import { isMultipleOf, TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { emaInto } from '../smc/indicators/ema.ts';
import {
  ACTION_CODE,
  actionName,
  type CandlesByTimeframe,
  type PreparedStrategy,
  packDecision,
  type Strategy,
  type StrategyInput,
} from '../strategy.ts';
import { DEFAULT_MOMENTUM_CONFIG, MOMENTUM_DEFAULT_ID, type MomentumConfig } from './config.ts';
import {
  MOMENTUM_REASON,
  MOMENTUM_REASON_NAMES,
  MOMENTUM_REASONS,
  type MomentumDecision,
  type MomentumTrace,
} from './decision.ts';
import { atrColumn, atrWarmupBars, emaWarmupBars, lastClosedBy, rollingExtreme } from './indicators.ts';

/**
 * The momentum/breakdown strategy (seed §5, "more trades" option 3): the first base-bar close beyond the
 * Donchian channel of the last `channel.bars` closed channel-timeframe bars is a breakout (LONG) or a
 * breakdown (SHORT), taken in the trend's direction, with an ATR stop and R-multiple targets. It emits the
 * same Decision shape as SMC (entry, stop, TP1..TP3, score 50–100), so the trader sizes it through the
 * same risk chain and auction (`managed` policy) and the two compete for the same margin.
 *
 * Causality: the range at base bar i is built from channel bars closed by bar i's open, the ATR is the
 * one of the newest of them, and the trend reads the last trend bar closed by bar i's close — so a
 * decision at bar i's close depends on nothing after it.
 */

/** Closed bars of each input a decision needs (see `warmup.tolerance` in config.ts). */
export interface MomentumWarmupNeeds {
  /** Channel-timeframe bars: the range (+1 for the previous bar's range) and the ATR's convergence. */
  readonly channelBars: number;
  /** Trend-timeframe bars for the EMA's convergence; 0 when the filter is off. */
  readonly trendBars: number;
}

export function momentumWarmupNeeds(config: MomentumConfig): MomentumWarmupNeeds {
  const tol = config.warmup.tolerance;
  return {
    channelBars: Math.max(config.channel.bars + 1, atrWarmupBars(config.atr.period, tol)),
    trendBars: config.trend.enabled ? emaWarmupBars(config.trend.ema_period, tol) : 0,
  };
}

/** Timeframes the strategy reads for a base; throws when the channel or trend timeframe is finer than it. */
export function momentumTimeframes(base: Timeframe, config: MomentumConfig): Timeframe[] {
  const check = (tf: Timeframe, field: string) => {
    if (!isMultipleOf(tf, base)) {
      throw new Error(
        `momentum ${field} ${tf} is not the base timeframe ${base} or a multiple of it: use a longer ${field} or a finer base`,
      );
    }
  };
  check(config.channel.timeframe, 'channel.timeframe');
  const set = new Set<Timeframe>([base, config.channel.timeframe]);
  if (config.trend.enabled) {
    check(config.trend.timeframe, 'trend.timeframe');
    set.add(config.trend.timeframe);
  }
  return [...set].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b]);
}

/** Per-bar evaluation values, reused between bars (no allocation on the decide path). */
class Scratch {
  bar = 0;
  reason = 0;
  dir = 0;
  close = Number.NaN;
  prevClose = Number.NaN;
  high = Number.NaN;
  low = Number.NaN;
  channelCloseTs = Number.NaN;
  atr = Number.NaN;
  strength = Number.NaN;
  trendClose = Number.NaN;
  trendEma = Number.NaN;
  trendDir = 0;
}

interface MomentumView {
  readonly baseTs: Float64Array;
  readonly baseMs: number;
  readonly close: Float64Array;
  /** Base bar → last channel bar closed by the bar's open. */
  readonly channelIdx: Int32Array;
  readonly channelTs: Float64Array;
  readonly channelMs: number;
  readonly rangeHigh: Float64Array;
  readonly rangeLow: Float64Array;
  readonly atr: Float64Array;
  /** Base bar → last trend bar closed by the bar's close (empty when the filter is off). */
  readonly trendIdx: Int32Array;
  readonly trendClose: Float64Array;
  readonly trendEma: Float64Array;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

export class PreparedMomentum implements PreparedStrategy<MomentumDecision> {
  readonly symbol: string;
  readonly length: number;
  private readonly strategyId: string;
  private readonly cfg: MomentumConfig;
  private readonly needs: MomentumWarmupNeeds;
  private readonly view: MomentumView;
  private readonly codes: Uint8Array;
  private readonly sc = new Scratch();

  constructor(strategyId: string, symbol: string, view: MomentumView, cfg: MomentumConfig) {
    this.strategyId = strategyId;
    this.symbol = symbol;
    this.view = view;
    this.cfg = cfg;
    this.needs = momentumWarmupNeeds(cfg);
    this.length = view.baseTs.length;
    this.codes = new Uint8Array(this.length);
    for (let i = 0; i < this.length; i++) this.codes[i] = this.evaluate(i, this.sc);
  }

  decisionTime(i: number): number {
    return this.view.baseTs[i] + this.view.baseMs;
  }

  decide(i: number): number {
    return this.codes[i];
  }

  describe(i: number): MomentumDecision {
    const sc = this.sc;
    this.evaluate(i, sc);
    const warm = sc.reason !== MOMENTUM_REASON.WARMUP;
    const gate = MOMENTUM_REASONS[sc.reason].gate;
    const trendOn = this.cfg.trend.enabled;
    const trace: MomentumTrace = {
      bar: i,
      gate_failed: gate,
      close: sc.close,
      prev_close: warm ? num(sc.prevClose) : null,
      channel_high: warm ? num(sc.high) : null,
      channel_low: warm ? num(sc.low) : null,
      channel_close_ts: warm ? num(sc.channelCloseTs) : null,
      atr: warm ? num(sc.atr) : null,
      breakout_atr: warm && sc.dir !== 0 ? num(sc.strength) : null,
      trend_close: warm && trendOn ? num(sc.trendClose) : null,
      trend_ema: warm && trendOn ? num(sc.trendEma) : null,
      trend_dir: warm && trendOn ? sc.trendDir : null,
    };
    const signal = sc.reason === MOMENTUM_REASON.NONE;
    const action = signal ? actionName(sc.dir) : 'NO_SIGNAL';
    let stop: number | null = null;
    let tps: [number | null, number | null, number | null] = [null, null, null];
    let score: number | null = null;
    if (signal) {
      const risk = this.cfg.stop.atr_multiple * sc.atr;
      const [r1, r2, r3] = this.cfg.targets.r_multiples;
      stop = sc.close - sc.dir * risk;
      tps = [sc.close + sc.dir * r1 * risk, sc.close + sc.dir * r2 * risk, sc.close + sc.dir * r3 * risk];
      score = 50 + 50 * Math.min(1, sc.strength);
    }
    return {
      strategyId: this.strategyId,
      symbol: this.symbol,
      ts: this.decisionTime(i),
      action,
      reasons: signal ? [] : [MOMENTUM_REASON_NAMES[sc.reason]],
      entry: signal ? sc.close : null,
      stop,
      tp1: tps[0],
      tp2: tps[1],
      tp3: tps[2],
      score,
      setupType: signal
        ? `${sc.dir > 0 ? 'breakout' : 'breakdown'}_${this.cfg.channel.timeframe.toUpperCase()}`
        : null,
      trace,
    };
  }

  /** The gate chain at base bar i; fills `sc` and returns the packed decision. */
  private evaluate(i: number, sc: Scratch): number {
    const v = this.view;
    const cfg = this.cfg;
    sc.bar = i;
    sc.dir = 0;
    sc.close = v.close[i];
    const h = v.channelIdx[i];
    const hp = i > 0 ? v.channelIdx[i - 1] : -1;
    const d = cfg.trend.enabled ? v.trendIdx[i] : 0;
    if (
      i === 0 ||
      h + 1 < this.needs.channelBars ||
      hp + 1 < cfg.channel.bars ||
      (cfg.trend.enabled && d + 1 < this.needs.trendBars)
    ) {
      return this.reject(sc, MOMENTUM_REASON.WARMUP);
    }
    sc.prevClose = v.close[i - 1];
    sc.high = v.rangeHigh[h];
    sc.low = v.rangeLow[h];
    sc.channelCloseTs = v.channelTs[h] + v.channelMs;
    sc.atr = v.atr[h];
    if (cfg.trend.enabled) {
      sc.trendClose = v.trendClose[d];
      sc.trendEma = v.trendEma[d];
      sc.trendDir = Math.sign(sc.trendClose - sc.trendEma);
    }
    const close = sc.close;
    const dir = close > sc.high ? 1 : close < sc.low ? -1 : 0;
    sc.dir = dir;
    if (dir === 0) return this.reject(sc, MOMENTUM_REASON.INSIDE_RANGE);
    sc.strength = (dir > 0 ? close - sc.high : sc.low - close) / sc.atr;
    const prevBeyond = dir > 0 ? sc.prevClose > v.rangeHigh[hp] : sc.prevClose < v.rangeLow[hp];
    if (prevBeyond) return this.reject(sc, MOMENTUM_REASON.NOT_FRESH);
    if (!(sc.atr > 0)) return this.reject(sc, MOMENTUM_REASON.ZERO_ATR);
    if (sc.strength < cfg.channel.min_breakout_atr) return this.reject(sc, MOMENTUM_REASON.WEAK_BREAKOUT);
    if (cfg.trend.enabled && sc.trendDir !== dir) return this.reject(sc, MOMENTUM_REASON.TREND_AGAINST);
    sc.reason = MOMENTUM_REASON.NONE;
    return packDecision(dir > 0 ? ACTION_CODE.LONG : ACTION_CODE.SHORT, MOMENTUM_REASON.NONE);
  }

  private reject(sc: Scratch, reason: number): number {
    sc.reason = reason;
    return packDecision(ACTION_CODE.NO_SIGNAL, reason);
  }
}

/** The momentum/breakdown strategy behind the common Strategy interface. */
export class MomentumStrategy implements Strategy<MomentumDecision> {
  readonly id: string;
  readonly reasonNames: readonly string[] = MOMENTUM_REASON_NAMES;
  readonly config: MomentumConfig;

  constructor(config: MomentumConfig = DEFAULT_MOMENTUM_CONFIG, id: string = MOMENTUM_DEFAULT_ID) {
    this.config = config;
    this.id = id;
  }

  requiredTimeframes(base: Timeframe): readonly Timeframe[] {
    return momentumTimeframes(base, this.config);
  }

  /**
   * Base bars before the first possible signal: each input's needs (momentumWarmupNeeds) in time, plus
   * one bar of its timeframe for a partial first bucket when the data starts inside one.
   */
  warmupBars(base: Timeframe): number {
    const needs = momentumWarmupNeeds(this.config);
    const c = this.config;
    const channelSpan = (needs.channelBars + 1) * TIMEFRAME_MS[c.channel.timeframe];
    const trendSpan = c.trend.enabled ? (needs.trendBars + 1) * TIMEFRAME_MS[c.trend.timeframe] : 0;
    return Math.ceil(Math.max(channelSpan, trendSpan) / TIMEFRAME_MS[base]);
  }

  prepare(input: StrategyInput): PreparedMomentum {
    const base = input.baseTimeframe;
    const cfg = this.config;
    momentumTimeframes(base, cfg);
    const series = (candles: CandlesByTimeframe, tf: Timeframe) => {
      const s = candles[tf];
      if (s === undefined) {
        throw new Error(
          `the momentum strategy needs ${tf} candles for ${input.symbol}: resample them from the ${base} base (data/resample) or import them`,
        );
      }
      return s;
    };
    const baseBars = series(input.candles, base);
    const baseMs = TIMEFRAME_MS[base];
    const ch = series(input.candles, cfg.channel.timeframe);
    const channelMs = TIMEFRAME_MS[cfg.channel.timeframe];
    const decisionTimes = baseBars.ts.map((t) => t + baseMs);
    let trendIdx: Int32Array = new Int32Array(0);
    let trendClose: Float64Array = new Float64Array(0);
    let trendEma: Float64Array = new Float64Array(0);
    if (cfg.trend.enabled) {
      const tr = series(input.candles, cfg.trend.timeframe);
      trendIdx = lastClosedBy(tr, TIMEFRAME_MS[cfg.trend.timeframe], decisionTimes);
      trendClose = tr.close;
      trendEma = emaInto(tr.close, cfg.trend.ema_period, new Float64Array(tr.length));
    }
    const view: MomentumView = {
      baseTs: baseBars.ts,
      baseMs,
      close: baseBars.close,
      // the range is made of channel bars closed by the bar's open: bar i is never in its own range
      channelIdx: lastClosedBy(ch, channelMs, baseBars.ts),
      channelTs: ch.ts,
      channelMs,
      rangeHigh: rollingExtreme(ch.high, cfg.channel.bars, 1),
      rangeLow: rollingExtreme(ch.low, cfg.channel.bars, -1),
      atr: atrColumn(ch, cfg.atr.period),
      trendIdx,
      trendClose,
      trendEma,
    };
    return new PreparedMomentum(this.id, input.symbol, view, cfg);
  }
}
