import { type CandleSeries, lowerBound } from '../../data/candles/series.ts';
import { lastClosedHigherIndex } from '../../data/resample/resample.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import {
  type CandlesByTimeframe,
  type PreparedStrategy,
  type Strategy,
  type StrategyInput,
  unpackAction,
  unpackReason,
} from '../strategy.ts';
import { DEFAULT_STRATEGY_CONFIG, type StrategyConfig } from './config.ts';
import { type Bar, BarBuffer } from './context/bar-buffer.ts';
import type { FeatureCache } from './context/feature-cache.ts';
import {
  AtrFeature,
  EmaFeature,
  StructureFeature,
  type StructureSource,
  type TimeframeFeature,
} from './context/features.ts';
import { Int32Column } from './context/growable.ts';
import { IncrementalResampler } from './context/incremental-resampler.ts';
import { createPrimitiveStructureSource } from './context/primitive-source.ts';
import { REASON_NAMES, type SmcDecision } from './decision.ts';
import { describeScratch, SMC_STRATEGY_ID } from './describe.ts';
import { GateScratch, SmcEvaluator, type SmcView, type StructureColumns } from './evaluate.ts';
import { countFunnel, type FunnelCounts } from './funnel.ts';

/**
 * Makes the structure event source of one timeframe (default: the SMC primitives). `opts.zones` false
 * says no gate reads that timeframe's zones, so a source may skip them (reporting none).
 */
export type StructureSourceFactory = (
  timeframe: Timeframe,
  swingLength: number,
  opts?: { readonly zones?: boolean },
) => StructureSource;

/**
 * Whether any gate reads the zones (order blocks, fair value gaps) of structure timeframe `tf`: only the
 * structure a setup stands on scores them — the decision timeframe, and 1H when it may stand in for a
 * 4H decision timeframe (`accept_1h_fallback`). The other timeframe is read for its breaks only
 * (higher-timeframe alignment), so its zones need not be built.
 */
export function structureZonesRead(tf: '4h' | '1h', config: StrategyConfig): boolean {
  const decision = config.structure.timeframe;
  return tf === decision || (tf === '1h' && decision === '4h' && config.structure.accept_1h_fallback);
}

export interface SmcStrategyOptions {
  /** Replaces the primitives' structure events (tests script breaks by hand with it). */
  structureSource?: StructureSourceFactory;
  /** Shares feature series between prepares of the same candles (sweeps). */
  cache?: FeatureCache;
}

const BASE_TIMEFRAMES: readonly Timeframe[] = ['15m', '1h'];

function checkBase(base: Timeframe): void {
  if (!BASE_TIMEFRAMES.includes(base)) {
    throw new Error(
      `base timeframe ${base} is not supported by the SMC strategy: use 15m or 1h (1H structure is resampled from it)`,
    );
  }
}

/** Timeframes the SMC strategy reads for a base timeframe: base, 1H and 4H structure, the bias timeframe. */
export function smcTimeframes(base: Timeframe, config: StrategyConfig): Timeframe[] {
  const set = new Set<Timeframe>([base, '1h', '4h', config.bias.timeframe]);
  return [...set].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b]);
}

/**
 * Base bars from the start of the data before a signal is possible: the bias EMA and the daily warm-up
 * (in bias-timeframe bars, plus one bar so the first one is whole), the decision-timeframe warm-up and
 * the ATR percentile window, whichever is longest.
 */
export function smcWarmupBars(base: Timeframe, config: StrategyConfig): number {
  const baseMs = TIMEFRAME_MS[base];
  const biasBars = Math.max(config.bias.ema_period, config.warmup.daily_bars) + 1;
  const biasSpan = biasBars * TIMEFRAME_MS[config.bias.timeframe];
  const decisionSpan =
    (Math.max(config.warmup.decision_bars, config.structure.swing_length) + 1) *
    TIMEFRAME_MS[config.structure.timeframe];
  const atrSpan =
    (Math.max(config.stop.atr_period, config.regimes.atr_percentile_window) + config.stop.atr_period + 1) *
    TIMEFRAME_MS['4h'];
  return Math.ceil(Math.max(biasSpan, decisionSpan, atrSpan) / baseMs);
}

function structureColumns(f: StructureFeature, ts: Float64Array): StructureColumns {
  return {
    timeframe: f.timeframe,
    ts,
    dir: f.leg.dir.data,
    kind: f.leg.kind.data,
    level: f.leg.level.data,
    origin: f.leg.origin.data,
    extreme: f.leg.extreme.data,
    knownAt: f.leg.knownAt.data,
    invalidated: f.leg.invalidated.data,
    obBullLow: f.obBullLow.data,
    obBullHigh: f.obBullHigh.data,
    obBearLow: f.obBearLow.data,
    obBearHigh: f.obBearHigh.data,
    fvgBullLow: f.fvgBullLow.data,
    fvgBullHigh: f.fvgBullHigh.data,
    fvgBearLow: f.fvgBearLow.data,
    fvgBearHigh: f.fvgBearHigh.data,
  };
}

function identityMap(n: number): Int32Array {
  const m = new Int32Array(n);
  for (let i = 0; i < n; i++) m[i] = i;
  return m;
}

function buildAll<F extends TimeframeFeature>(feature: F, bars: CandleSeries): F {
  if (feature.closeThrough !== undefined) feature.closeThrough(bars, bars.length - 1);
  else for (let j = 0; j < bars.length; j++) feature.closeBar(bars, j);
  return feature;
}

/** Decisions evaluated at once when bars are asked for in order (see {@link PreparedSmc.decide}). */
const DECISION_BLOCK = 512;

/** The SMC strategy prepared over one symbol: `decide(i)` is allocation-free. */
export class PreparedSmc implements PreparedStrategy<SmcDecision> {
  readonly symbol: string;
  readonly length: number;
  private readonly view: SmcView;
  private readonly baseMs: number;
  private readonly evaluator: SmcEvaluator;
  private readonly scratch = new GateScratch();
  /** Codes of bars [blockStart, blockEnd), evaluated ahead (each is a pure function of its bar). */
  private readonly codes = new Int32Array(DECISION_BLOCK);
  private blockStart = 0;
  private blockEnd = 0;

  constructor(symbol: string, view: SmcView, config: StrategyConfig) {
    this.symbol = symbol;
    this.view = view;
    this.length = view.baseTs.length;
    this.baseMs = TIMEFRAME_MS[view.baseTimeframe];
    this.evaluator = new SmcEvaluator(config);
    this.evaluator.setView(view);
  }

  decisionTime(i: number): number {
    return this.view.baseTs[i] + this.baseMs;
  }

  /**
   * A backtest asks every symbol for bar i before any for bar i + 1, which strides across dozens of
   * symbols' columns per bar; bars asked for in order are therefore evaluated a block ahead, one symbol's
   * columns at a time (the same pure evaluation per bar, so the same codes). Other access evaluates the
   * one bar.
   */
  decide(i: number): number {
    if (i >= this.blockStart && i < this.blockEnd) return this.codes[i - this.blockStart];
    if (i !== this.blockEnd || i < 0 || i >= this.length) {
      this.blockStart = i + 1;
      this.blockEnd = i + 1;
      return this.evaluator.evaluate(i, this.scratch);
    }
    const end = Math.min(this.length, i + DECISION_BLOCK);
    const codes = this.codes;
    const ev = this.evaluator;
    const sc = this.scratch;
    for (let j = i; j < end; j++) codes[j - i] = ev.evaluate(j, sc);
    this.blockStart = i;
    this.blockEnd = end;
    return codes[0];
  }

  describe(i: number): SmcDecision {
    this.evaluator.evaluate(i, this.scratch);
    return describeScratch(this.scratch, this.symbol, this.decisionTime(i));
  }
}

/**
 * The SMC strategy (seed §5) behind the common Strategy interface. `prepare` builds the causal feature
 * series of every timeframe once (cached per candles and parameters when a FeatureCache is given), then
 * decisions are cheap per-bar reads.
 */
export class SmcStrategy implements Strategy<SmcDecision> {
  readonly id = SMC_STRATEGY_ID;
  readonly reasonNames: readonly string[] = REASON_NAMES;
  readonly config: StrategyConfig;
  private readonly sourceFactory: StructureSourceFactory;
  private readonly customSource: boolean;
  private readonly cache: FeatureCache | undefined;

  constructor(config: StrategyConfig = DEFAULT_STRATEGY_CONFIG, opts: SmcStrategyOptions = {}) {
    this.config = config;
    this.sourceFactory = opts.structureSource ?? createPrimitiveStructureSource;
    this.customSource = opts.structureSource !== undefined;
    this.cache = opts.cache;
  }

  requiredTimeframes(base: Timeframe): readonly Timeframe[] {
    checkBase(base);
    return smcTimeframes(base, this.config);
  }

  warmupBars(base: Timeframe): number {
    return smcWarmupBars(base, this.config);
  }

  prepare(input: StrategyInput): PreparedSmc {
    const base = input.baseTimeframe;
    checkBase(base);
    const series = (tf: Timeframe): CandleSeries => {
      const s = input.candles[tf];
      if (s === undefined) {
        throw new Error(
          `SMC needs ${tf} candles for ${input.symbol}: resample them from the ${base} base (data/resample) or import them`,
        );
      }
      return s;
    };
    const cfg = this.config;
    const baseBars = series(base);
    const biasTf = cfg.bias.timeframe;
    const biasBars = series(biasTf);
    const bars4h = series('4h');
    const bars1h = series('1h');
    const ema = this.cached(biasBars, `ema:${cfg.bias.ema_period}`, () =>
      buildAll(new EmaFeature(biasTf, cfg.bias.ema_period, biasBars.length), biasBars),
    );
    const atr = this.cached(bars4h, `atr:${cfg.stop.atr_period}:${cfg.regimes.atr_percentile_window}`, () =>
      buildAll(
        new AtrFeature('4h', cfg.stop.atr_period, cfg.regimes.atr_percentile_window, bars4h.length),
        bars4h,
      ),
    );
    const swing = cfg.structure.swing_length;
    const structure = (tf: '4h' | '1h', bars: CandleSeries) => {
      const zones = structureZonesRead(tf, cfg);
      const make = () =>
        buildAll(
          new StructureFeature(
            tf,
            this.sourceFactory(tf, swing, { zones }),
            bars.length,
            // a custom source may report zones anyway: then they are kept
            { zones: zones || this.customSource },
          ),
          bars,
        );
      // a custom source (tests) is not part of the cache key, so its features are never cached
      if (this.customSource) return make();
      const withZones = `structure:${swing}`;
      if (zones) return this.cached(bars, withZones, make);
      // without zones, the same feature with zones serves as well (its break columns are the same)
      return (
        this.cache?.peek<StructureFeature>(bars, withZones) ?? this.cached(bars, `${withZones}:breaks`, make)
      );
    };
    const s4 = structure('4h', bars4h);
    const s1 = structure('1h', bars1h);
    // keyed by both series: the same base may be paired with different higher series
    const maps = this.cached(baseBars, 'closed-index-maps', () => new WeakMap<Float64Array, Int32Array>());
    const map = (higher: CandleSeries): Int32Array => {
      let m = maps.get(higher.close);
      if (m === undefined) {
        // the base itself (1H structure on a 1H base): bar i is the last one closed at its own close
        m = higher === baseBars ? identityMap(baseBars.length) : lastClosedHigherIndex(baseBars, higher);
        maps.set(higher.close, m);
      }
      return m;
    };
    const view: SmcView = {
      baseTimeframe: base,
      baseTs: baseBars.ts,
      baseClose: baseBars.close,
      mapBias: map(biasBars),
      map4h: map(bars4h),
      map1h: map(bars1h),
      biasClose: biasBars.close,
      biasEma: ema.ema.data,
      atr4h: atr.atr.data,
      atrPct4h: atr.atrPercentile.data,
      s4h: structureColumns(s4, bars4h.ts),
      s1h: structureColumns(s1, bars1h.ts),
    };
    return new PreparedSmc(input.symbol, view, cfg);
  }

  private cached<T>(series: CandleSeries, key: string, make: () => T): T {
    return this.cache === undefined ? make() : this.cache.get(series, key, make);
  }
}

/** Columnar decisions of one symbol over base bars [firstIndex, firstIndex + length). */
export interface DecisionColumns {
  readonly symbol: string;
  readonly firstIndex: number;
  /** Decision times (base bar close), UTC ms. */
  readonly ts: Float64Array;
  /** ACTION_CODE per bar: 1 LONG, -1 SHORT, 0 NO_SIGNAL. */
  readonly action: Int8Array;
  /** Reason code per bar (REASONS index; 0 for a signal). */
  readonly reason: Uint8Array;
  /** Full decisions of the signals only. */
  readonly signals: SmcDecision[];
}

export interface PipelineResult {
  readonly decisions: DecisionColumns;
  readonly funnel: FunnelCounts;
}

export interface PipelineOptions extends SmcStrategyOptions {
  /** Entry timeframe; default the shortest timeframe present. */
  baseTimeframe?: Timeframe;
  symbol?: string;
  /** Only decisions at or after this decision time (UTC ms); earlier bars still feed warm-up. */
  from?: number;
  /** Only decisions before this decision time (UTC ms, exclusive). */
  to?: number;
}

/**
 * Runs the SMC pipeline over one symbol's candles: one decision per base-bar close, compact columns for
 * all of them, full Decision objects for signals, and the funnel.
 */
export function runPipeline(
  candlesByTf: CandlesByTimeframe,
  config: StrategyConfig = DEFAULT_STRATEGY_CONFIG,
  opts: PipelineOptions = {},
): PipelineResult {
  const present = (Object.keys(candlesByTf) as Timeframe[]).filter((tf) => candlesByTf[tf] !== undefined);
  if (present.length === 0) throw new Error('runPipeline needs candles of at least the base timeframe');
  const base = opts.baseTimeframe ?? present.sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])[0];
  const baseBars = candlesByTf[base];
  if (baseBars === undefined) throw new Error(`no ${base} candles given for the base timeframe`);
  const symbol = opts.symbol ?? baseBars.symbol;
  const strategy = new SmcStrategy(config, opts);
  const prepared = strategy.prepare({ symbol, baseTimeframe: base, candles: candlesByTf });
  const baseMs = TIMEFRAME_MS[base];
  const i0 = opts.from === undefined ? 0 : lowerBound(baseBars.ts, opts.from - baseMs);
  const i1 = opts.to === undefined ? baseBars.length : lowerBound(baseBars.ts, opts.to - baseMs);
  const n = Math.max(0, i1 - i0);
  const ts = new Float64Array(n);
  const action = new Int8Array(n);
  const reason = new Uint8Array(n);
  const signals: SmcDecision[] = [];
  for (let k = 0; k < n; k++) {
    const i = i0 + k;
    const code = prepared.decide(i);
    const a = unpackAction(code);
    ts[k] = baseBars.ts[i] + baseMs;
    action[k] = a;
    reason[k] = unpackReason(code);
    if (a !== 0) signals.push(prepared.describe(i));
  }
  return {
    decisions: { symbol, firstIndex: i0, ts, action, reason, signals },
    funnel: countFunnel(action, reason),
  };
}

interface StepperFeatures {
  ema: EmaFeature;
  atr: AtrFeature;
  s4: StructureFeature;
  s1: StructureFeature;
}

/**
 * The stepping API for live mode: feed each base bar as it closes; higher timeframes are resampled
 * inside (a higher bar is taken in only once closed) and every feature advances by the same code as the
 * batch path, so `onBarClose` returns exactly the decision `runPipeline` makes at that bar.
 *
 * Buffers grow by doubling; primitives may keep references to the column arrays, so when a timeframe's
 * buffer grows its features are rebuilt by replaying its bars (same code, same rows; amortised O(1)).
 */
export class SmcStepper {
  readonly symbol: string;
  readonly baseTimeframe: Timeframe;
  private readonly config: StrategyConfig;
  private readonly baseMs: number;
  private readonly sourceFactory: StructureSourceFactory;
  private readonly buffers = new Map<Timeframe, BarBuffer>();
  private readonly resamplers: IncrementalResampler[] = [];
  private readonly f: StepperFeatures;
  private readonly mapBias = new Int32Column();
  private readonly map4h = new Int32Column();
  private readonly map1h = new Int32Column();
  private readonly evaluator: SmcEvaluator;
  private readonly scratch = new GateScratch();

  constructor(
    config: StrategyConfig,
    opts: SmcStrategyOptions & { symbol: string; baseTimeframe?: Timeframe },
  ) {
    const base = opts.baseTimeframe ?? '15m';
    checkBase(base);
    this.symbol = opts.symbol;
    this.baseTimeframe = base;
    this.config = config;
    this.baseMs = TIMEFRAME_MS[base];
    this.sourceFactory = opts.structureSource ?? createPrimitiveStructureSource;
    for (const tf of smcTimeframes(base, config)) {
      this.buffers.set(tf, new BarBuffer(tf));
      if (tf !== base) this.resamplers.push(new IncrementalResampler(base, tf));
    }
    this.f = {
      ema: this.makeEma(),
      atr: this.makeAtr(),
      s4: this.makeStructure('4h'),
      s1: this.makeStructure('1h'),
    };
    this.evaluator = new SmcEvaluator(config);
  }

  /** Base bars taken so far. */
  get length(): number {
    return this.buffer(this.baseTimeframe).length;
  }

  /**
   * Takes the base bar that just closed (open time `bar.ts`) and returns the decision at its close.
   * Bars must come in time order on the base grid; a gap is allowed.
   */
  onBarClose(bar: Bar): SmcDecision {
    const baseBuf = this.buffer(this.baseTimeframe);
    const n = baseBuf.length;
    if (bar.ts % this.baseMs !== 0) {
      throw new Error(`bar at ${bar.ts} is not aligned to the ${this.baseTimeframe} grid`);
    }
    if (n > 0 && bar.ts <= baseBuf.ts[n - 1]) {
      throw new Error(
        `bar at ${bar.ts} is not after the last bar (${baseBuf.ts[n - 1]}): bars must come in order`,
      );
    }
    for (const r of this.resamplers) r.push(bar, (h) => this.take(r.target, h));
    this.take(this.baseTimeframe, bar);
    this.mapBias.push(this.buffer(this.config.bias.timeframe).length - 1);
    this.map4h.push(this.buffer('4h').length - 1);
    this.map1h.push(this.buffer('1h').length - 1);
    return this.describeLast();
  }

  private describeLast(): SmcDecision {
    const baseBuf = this.buffer(this.baseTimeframe);
    const bias = this.buffer(this.config.bias.timeframe);
    const view: SmcView = {
      baseTimeframe: this.baseTimeframe,
      baseTs: baseBuf.ts,
      baseClose: baseBuf.close,
      mapBias: this.mapBias.data,
      map4h: this.map4h.data,
      map1h: this.map1h.data,
      biasClose: bias.close,
      biasEma: this.f.ema.ema.data,
      atr4h: this.f.atr.atr.data,
      atrPct4h: this.f.atr.atrPercentile.data,
      s4h: structureColumns(this.f.s4, this.buffer('4h').ts),
      s1h: structureColumns(this.f.s1, this.buffer('1h').ts),
    };
    this.evaluator.setView(view);
    const i = baseBuf.length - 1;
    this.evaluator.evaluate(i, this.scratch);
    return describeScratch(this.scratch, this.symbol, baseBuf.ts[i] + this.baseMs);
  }

  private take(tf: Timeframe, bar: Bar): void {
    const buf = this.buffer(tf);
    const grew = buf.push(bar);
    const j = buf.length - 1;
    if (grew) {
      this.rebuild(tf);
      return;
    }
    for (const feature of this.featuresOn(tf)) feature.closeBar(buf, j);
  }

  /** Recreates the features of `tf` and replays every bar of it. */
  private rebuild(tf: Timeframe): void {
    if (this.f.ema.timeframe === tf) this.f.ema = this.makeEma();
    if (this.f.atr.timeframe === tf) this.f.atr = this.makeAtr();
    if (this.f.s4.timeframe === tf) this.f.s4 = this.makeStructure('4h');
    if (this.f.s1.timeframe === tf) this.f.s1 = this.makeStructure('1h');
    const buf = this.buffer(tf);
    // Features of one timeframe are independent of each other: each replays the bars on its own.
    for (const feature of this.featuresOn(tf)) {
      if (feature.closeThrough !== undefined) feature.closeThrough(buf, buf.length - 1);
      else for (let j = 0; j < buf.length; j++) feature.closeBar(buf, j);
    }
  }

  private featuresOn(tf: Timeframe): TimeframeFeature[] {
    const { ema, atr, s4, s1 } = this.f;
    return [ema, atr, s4, s1].filter((x) => x.timeframe === tf);
  }

  private makeEma(): EmaFeature {
    return new EmaFeature(this.config.bias.timeframe, this.config.bias.ema_period);
  }

  private makeAtr(): AtrFeature {
    return new AtrFeature('4h', this.config.stop.atr_period, this.config.regimes.atr_percentile_window);
  }

  private makeStructure(tf: '4h' | '1h'): StructureFeature {
    const zones = structureZonesRead(tf, this.config);
    return new StructureFeature(tf, this.sourceFactory(tf, this.config.structure.swing_length, { zones }));
  }

  private buffer(tf: Timeframe): BarBuffer {
    const b = this.buffers.get(tf);
    if (b === undefined) throw new Error(`no ${tf} buffer`);
    return b;
  }
}

/** The per-bar stepping SMC strategy for live mode (see {@link SmcStepper}). */
export function createSmcStrategy(
  config: StrategyConfig = DEFAULT_STRATEGY_CONFIG,
  opts: SmcStrategyOptions & { symbol: string; baseTimeframe?: Timeframe },
): SmcStepper {
  return new SmcStepper(config, opts);
}
