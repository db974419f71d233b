import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import { ACTION_CODE, packDecision } from '../strategy.ts';
import { REGIMES, type StrategyConfig } from './config.ts';
import { KIND_BOS } from './context/structure-leg.ts';
import { REASON } from './decision.ts';
import { biasDirection } from './gates/bias.ts';
import { inOteZone, retracement } from './gates/ote.ts';
import { classifyRegime, REGIME_INDEX } from './gates/regime.ts';
import { oteQuality, REGIME_SCORE_FACTOR } from './gates/score.ts';
import { STATUS_OK, structureStatus } from './gates/structure.ts';
import { rewardRisk, stopPrice, targetPrice } from './gates/targets.ts';

/** The columns of one structure timeframe the gates read (see StructureFeature). */
export interface StructureColumns {
  readonly timeframe: Timeframe;
  readonly ts: Float64Array;
  readonly dir: Int8Array;
  readonly kind: Int8Array;
  readonly level: Float64Array;
  readonly origin: Float64Array;
  readonly extreme: Float64Array;
  readonly knownAt: Int32Array;
  readonly invalidated: Int8Array;
  readonly obBullLow: Float64Array;
  readonly obBullHigh: Float64Array;
  readonly obBearLow: Float64Array;
  readonly obBearHigh: Float64Array;
  readonly fvgBullLow: Float64Array;
  readonly fvgBullHigh: Float64Array;
  readonly fvgBearLow: Float64Array;
  readonly fvgBearHigh: Float64Array;
}

/**
 * Everything the per-bar loop reads: base closes, the base → higher-timeframe closed-bar maps, and the
 * causal feature columns. Only typed arrays, so the loop allocates nothing.
 */
export interface SmcView {
  readonly baseTimeframe: Timeframe;
  readonly baseTs: Float64Array;
  readonly baseClose: Float64Array;
  /** Base bar → last closed bar of the bias timeframe / 4H / 1H (-1 when none). */
  readonly mapBias: Int32Array;
  readonly map4h: Int32Array;
  readonly map1h: Int32Array;
  readonly biasClose: Float64Array;
  readonly biasEma: Float64Array;
  readonly atr4h: Float64Array;
  readonly atrPct4h: Float64Array;
  readonly s4h: StructureColumns;
  readonly s1h: StructureColumns;
}

/**
 * Every gate value of one evaluation. Reused between bars (no allocation); `describe` turns it into the
 * decision trace. Fields past the failing gate keep stale values and must not be read.
 */
export class GateScratch {
  bar = 0;
  reason = 0;
  action = 0;
  biasDir = 0;
  biasClose = Number.NaN;
  biasEma = Number.NaN;
  /** Status of the configured decision timeframe (STRUCTURE_STATUS index). */
  primaryStatus = 0;
  /** 0 = decision timeframe used, 1 = 1H fallback used. */
  usedFallback = 0;
  sTimeframe: Timeframe = '4h';
  sDir = 0;
  sKind = 0;
  sLevel = Number.NaN;
  sKnownTs = Number.NaN;
  sAge = 0;
  origin = Number.NaN;
  extreme = Number.NaN;
  regime = 0;
  legAtr = Number.NaN;
  atr = Number.NaN;
  atrPct = Number.NaN;
  entry = Number.NaN;
  retracement = Number.NaN;
  /** OTE bounds applied (tolerance included); NaN when the OTE gate is disabled. */
  oteLow = Number.NaN;
  oteHigh = Number.NaN;
  stop = Number.NaN;
  stopMult = Number.NaN;
  tp1 = Number.NaN;
  tp2 = Number.NaN;
  tp3 = Number.NaN;
  rr = Number.NaN;
  scStructure = 0;
  scOte = 0;
  scRegime = 0;
  scOb = 0;
  scFvg = 0;
  scHtf = 0;
  score = Number.NaN;
}

function inZone(price: number, low: number, high: number): boolean {
  return price >= low && price <= high;
}

/**
 * The gate chain of seed §5, evaluated at one base bar from precomputed causal columns: warm-up → daily
 * bias → decision structure (→ 1H fallback) → regime → OTE → stop/targets → score. Returns a packed code
 * (strategies/strategy.ts `packDecision`) and fills the scratch with the values behind it.
 */
export class SmcEvaluator {
  private readonly warmDaily: number;
  private readonly warmDecision: number;
  private readonly neutralBand: number;
  private readonly primaryIs4h: boolean;
  private readonly fallback: boolean;
  private readonly maxAge: number;
  private readonly allowedMask: number;
  private readonly multipliers: Float64Array;
  private readonly oteEnabled: boolean;
  private readonly oteLow: number;
  private readonly oteHigh: number;
  private readonly oteTol: number;
  private readonly ext1: number;
  private readonly ext2: number;
  private readonly ext3: number;
  private readonly minRr: number;
  private readonly threshold: number;
  private readonly missingStructureReason: number;
  private readonly regimes: StrategyConfig['regimes'];
  private readonly weights: StrategyConfig['score']['weights'];
  private view: SmcView | null = null;
  /** Bar length of the 4H and 1H structure columns' timeframes (read per bar, so looked up once). */
  private s4hMs = 0;
  private s1hMs = 0;

  constructor(cfg: StrategyConfig) {
    this.warmDaily = cfg.warmup.daily_bars;
    this.warmDecision = cfg.warmup.decision_bars;
    this.neutralBand = cfg.bias.neutral_band;
    this.primaryIs4h = cfg.structure.timeframe === '4h';
    this.fallback = this.primaryIs4h && cfg.structure.accept_1h_fallback;
    this.maxAge = cfg.structure.max_age_bars;
    let mask = 0;
    for (const r of cfg.regimes.allowed) mask |= 1 << REGIME_INDEX[r];
    this.allowedMask = mask;
    this.multipliers = Float64Array.from(REGIMES, (r) => cfg.stop.atr_multipliers[r]);
    this.oteEnabled = cfg.ote.enabled;
    this.oteLow = cfg.ote.zone_low;
    this.oteHigh = cfg.ote.zone_high;
    this.oteTol = cfg.ote.tolerance;
    [this.ext1, this.ext2, this.ext3] = cfg.targets.extensions;
    this.minRr = cfg.targets.min_rr;
    this.threshold = cfg.score.threshold;
    this.regimes = cfg.regimes;
    this.weights = cfg.score.weights;
    this.missingStructureReason = this.primaryIs4h
      ? REASON.STRUCTURE_4H_REQUIRED
      : REASON.STRUCTURE_1H_REQUIRED;
  }

  setView(view: SmcView): void {
    this.view = view;
    this.s4hMs = TIMEFRAME_MS[view.s4h.timeframe];
    this.s1hMs = TIMEFRAME_MS[view.s1h.timeframe];
  }

  evaluate(i: number, sc: GateScratch): number {
    const v = this.view;
    if (v === null) throw new Error('SmcEvaluator.evaluate called before setView');
    sc.bar = i;
    sc.entry = v.baseClose[i];

    // warm-up: every input must exist and have had its warm-up
    const d = v.mapBias[i];
    const a = v.map4h[i];
    const h = v.map1h[i];
    const p = this.primaryIs4h ? a : h;
    if (d < 0 || d + 1 < this.warmDaily || p < 0 || p + 1 < this.warmDecision) {
      // nothing read yet: clear what a previous bar left, the trace reports these for WARMUP too
      sc.biasClose = Number.NaN;
      sc.biasEma = Number.NaN;
      sc.atr = Number.NaN;
      sc.atrPct = Number.NaN;
      return this.reject(sc, REASON.WARMUP);
    }
    const ema = v.biasEma[d];
    const atr = v.atr4h[a];
    const atrPct = v.atrPct4h[a];
    sc.biasClose = v.biasClose[d];
    sc.biasEma = ema;
    sc.atr = atr;
    sc.atrPct = atrPct;
    if (Number.isNaN(ema) || Number.isNaN(atr) || Number.isNaN(atrPct)) {
      return this.reject(sc, REASON.WARMUP);
    }

    // gate 1: daily bias
    const bias = biasDirection(sc.biasClose, ema, this.neutralBand);
    sc.biasDir = bias;
    if (bias === 0) return this.reject(sc, REASON.DAILY_BIAS_NEUTRAL);

    // gate 2: decision structure, with the optional 1H fallback
    const prim = this.primaryIs4h ? v.s4h : v.s1h;
    const status = structureStatus(prim.dir[p], bias, p - prim.knownAt[p], this.maxAge, prim.invalidated[p]);
    sc.primaryStatus = status;
    let s = prim;
    let k = p;
    sc.usedFallback = 0;
    if (status !== STATUS_OK) {
      if (!this.fallback || h < 0) return this.reject(sc, this.missingStructureReason);
      const fb = v.s1h;
      const st1 = structureStatus(fb.dir[h], bias, h - fb.knownAt[h], this.maxAge, fb.invalidated[h]);
      if (st1 !== STATUS_OK) return this.reject(sc, this.missingStructureReason);
      s = fb;
      k = h;
      sc.usedFallback = 1;
    }
    const dir = s.dir[k];
    const origin = s.origin[k];
    const extreme = s.extreme[k];
    sc.sTimeframe = s.timeframe;
    sc.sDir = dir;
    sc.sKind = s.kind[k];
    sc.sLevel = s.level[k];
    sc.sKnownTs = s.ts[s.knownAt[k]] + (s === v.s4h ? this.s4hMs : this.s1hMs);
    sc.sAge = k - s.knownAt[k];
    sc.origin = origin;
    sc.extreme = extreme;

    // gate 3: regime
    const legAtr = Math.abs(extreme - origin) / atr;
    const regime = classifyRegime(legAtr, atrPct, this.regimes);
    sc.legAtr = legAtr;
    sc.regime = regime;
    if ((this.allowedMask & (1 << regime)) === 0) return this.reject(sc, REASON.REGIME_NOT_TRADEABLE);

    // gate 4: OTE
    const entry = sc.entry;
    const r = retracement(origin, extreme, entry);
    sc.retracement = r;
    sc.oteLow = this.oteEnabled ? this.oteLow - this.oteTol : Number.NaN;
    sc.oteHigh = this.oteEnabled ? this.oteHigh + this.oteTol : Number.NaN;
    if (this.oteEnabled && !inOteZone(r, this.oteLow, this.oteHigh, this.oteTol)) {
      return this.reject(sc, REASON.ENTRY_NOT_IN_OTE);
    }

    // gate 5: stop and targets
    const mult = this.multipliers[regime];
    const stop = stopPrice(dir, origin, atr, mult);
    const tp1 = targetPrice(origin, extreme, this.ext1);
    sc.stopMult = mult;
    sc.stop = stop;
    sc.tp1 = tp1;
    sc.tp2 = targetPrice(origin, extreme, this.ext2);
    sc.tp3 = targetPrice(origin, extreme, this.ext3);
    const rr = rewardRisk(dir, entry, stop, tp1);
    sc.rr = rr;
    if (Number.isNaN(rr) || rr < this.minRr) return this.reject(sc, REASON.TARGETS_INVALID);

    // gate 6: score
    const w = this.weights;
    sc.scStructure = sc.sKind === KIND_BOS ? w.bos : w.choch;
    sc.scOte = w.ote * oteQuality(r, this.oteLow, this.oteHigh, this.oteEnabled ? 0 : 0.5);
    sc.scRegime = w.regime * REGIME_SCORE_FACTOR[regime];
    const obIn =
      dir > 0
        ? inZone(entry, s.obBullLow[k], s.obBullHigh[k])
        : inZone(entry, s.obBearLow[k], s.obBearHigh[k]);
    sc.scOb = obIn ? w.order_block : 0;
    const fvgIn =
      dir > 0
        ? inZone(entry, s.fvgBullLow[k], s.fvgBullHigh[k])
        : inZone(entry, s.fvgBearLow[k], s.fvgBearHigh[k]);
    sc.scFvg = fvgIn ? w.fvg : 0;
    const other = s === v.s4h ? v.s1h : v.s4h;
    const o = s === v.s4h ? h : a;
    const aligned =
      o >= 0 &&
      structureStatus(other.dir[o], dir, o - other.knownAt[o], this.maxAge, other.invalidated[o]) ===
        STATUS_OK;
    sc.scHtf = aligned ? w.htf_alignment : 0;
    const score = sc.scStructure + sc.scOte + sc.scRegime + sc.scOb + sc.scFvg + sc.scHtf;
    sc.score = score;
    if (score < this.threshold) return this.reject(sc, REASON.SCORE_BELOW_THRESHOLD);

    sc.reason = REASON.NONE;
    sc.action = dir;
    return packDecision(dir > 0 ? ACTION_CODE.LONG : ACTION_CODE.SHORT, REASON.NONE);
  }

  private reject(sc: GateScratch, reason: number): number {
    sc.reason = reason;
    sc.action = 0;
    return packDecision(ACTION_CODE.NO_SIGNAL, reason);
  }
}
