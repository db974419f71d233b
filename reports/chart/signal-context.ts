import { type CandleSeries, lowerBound, sliceSeries } from '../../data/candles/series.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { StrategyConfig } from '../../strategies/smc/config.ts';
import type { SmcDecision } from '../../strategies/smc/decision.ts';
import { SmcStrategy } from '../../strategies/smc/pipeline.ts';
import {
  BosChochDetector,
  FvgDetector,
  OrderBlockDetector,
  SwingDetector,
} from '../../strategies/smc/primitives/index.ts';
import { withHigherTimeframes } from '../../strategies/smc/scan.ts';

/**
 * What the SMC engine saw at one decision, for the signal chart: the decision itself (with its gate trace)
 * and the structure annotations of the structure timeframe — swing points, BOS/CHoCH breaks, order blocks,
 * fair value gaps — all computed causally from candles closed at or before the decision time. Candles after
 * the decision are carried only for display (`seen: false`).
 */

/** One displayed candle; `seen` is false for candles after the decision (the engine did not see them). */
export interface ChartCandle {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly seen: boolean;
}

export interface SwingMark {
  /** Middle of the swing's structure-timeframe bar (UTC ms). */
  readonly ts: number;
  readonly level: number;
  /** 1 swing high, -1 swing low. */
  readonly dir: 1 | -1;
}

export interface BreakMark {
  readonly kind: 'BOS' | 'CHOCH';
  readonly dir: 1 | -1;
  readonly level: number;
  /** Open time of the broken swing's bar. */
  readonly fromTs: number;
  /** Close time of the bar whose close broke the level. */
  readonly toTs: number;
  /** Close time of the bar at which the whole fact became knowable. */
  readonly knownTs: number;
  /** The newest break known at the decision (the one the structure gate looked at). */
  readonly latest: boolean;
}

export interface ZoneBox {
  readonly kind: 'ob' | 'fvg';
  readonly dir: 1 | -1;
  readonly fromTs: number;
  /** When it stopped being active (mitigated/merged/removed), or the decision time while still active. */
  readonly toTs: number;
  readonly bottom: number;
  readonly top: number;
  /** Still active at the decision. */
  readonly active: boolean;
  /** The newest active zone of its kind and direction: the one the score reads. */
  readonly newest: boolean;
}

/** A price level of the decision drawn as a horizontal line from the decision on. */
export interface PriceLevel {
  readonly name: 'entry' | 'close' | 'stop' | 'TP1' | 'TP2' | 'TP3' | 'leg origin';
  readonly price: number;
}

export interface OteBand {
  /** From the break that started the structure leg to the decision. */
  readonly fromTs: number;
  readonly toTs: number;
  readonly low: number;
  readonly high: number;
  /** The retracement fractions the band spans (tolerance included). */
  readonly fracLow: number;
  readonly fracHigh: number;
}

export interface SignalContext {
  readonly symbol: string;
  readonly baseTimeframe: Timeframe;
  readonly structureTimeframe: Timeframe;
  /** Decision time: close of the last base bar closed at or before the requested time (UTC ms). */
  readonly decisionTs: number;
  readonly decision: SmcDecision;
  readonly config: StrategyConfig;
  readonly candles: readonly ChartCandle[];
  readonly swings: readonly SwingMark[];
  readonly breaks: readonly BreakMark[];
  readonly zones: readonly ZoneBox[];
  readonly ote: OteBand | null;
  readonly levels: readonly PriceLevel[];
  /** Displayed time span [from, to) in UTC ms. */
  readonly window: { readonly from: number; readonly to: number };
}

export interface SignalContextOptions {
  /** Base bars shown up to the decision (default 120; extended back to show the structure leg, max 360). */
  readonly barsBefore?: number;
  /** Base bars shown after the decision, greyed (default 24). */
  readonly barsAfter?: number;
}

/** Zones kept per (kind, direction): the newest ones, so old untouched gaps do not bury the chart. */
const MAX_ZONES_PER_SIDE = 3;
/** Breaks kept: the newest ones inside the window. */
const MAX_BREAKS = 6;
const MAX_BARS_BEFORE = 360;

/** The structure primitives of one timeframe, run once over the builder's whole series. */
interface StructureDetectors {
  readonly bars: CandleSeries;
  readonly sw: SwingDetector;
  readonly bos: BosChochDetector;
  readonly ob: OrderBlockDetector;
  readonly fvg: FvgDetector;
}

/**
 * Builds signal contexts for many decision times of one symbol, preparing the strategy and running the
 * primitives once (a report charting every trade). Each context reads only what was known at its decision:
 * the decision comes from `describe(i)`, which depends only on bars ≤ i (the pipeline's no-lookahead
 * property, test/lookahead), and primitive events are taken while `knownAt` ≤ the last structure bar closed
 * by then (their events are append-only with non-decreasing `knownAt`). reports/chart/signal-chart.test.ts
 * checks that this equals cutting the data at the decision.
 */
export class SignalContextBuilder {
  readonly base: CandleSeries;
  readonly config: StrategyConfig;
  private readonly candles: ReturnType<typeof withHigherTimeframes>;
  private readonly prepared: ReturnType<SmcStrategy['prepare']>;
  private readonly detectors = new Map<Timeframe, StructureDetectors>();

  constructor(base: CandleSeries, config: StrategyConfig) {
    this.base = base;
    this.config = config;
    this.candles = withHigherTimeframes(base, config);
    this.prepared = new SmcStrategy(config).prepare({
      symbol: base.symbol,
      baseTimeframe: base.timeframe,
      candles: this.candles,
    });
  }

  private structure(tf: Timeframe): StructureDetectors {
    let d = this.detectors.get(tf);
    if (d === undefined) {
      const bars = this.candles[tf];
      if (bars === undefined) throw new Error(`no ${tf} candles resampled for the structure annotations`);
      // the same primitives and options as the pipeline's structure source (context/primitive-source.ts)
      const sw = new SwingDetector(bars, { swingLength: this.config.structure.swing_length });
      const bos = new BosChochDetector(bars, sw, { closeBreak: true });
      const ob = new OrderBlockDetector(bars, sw, { closeMitigation: false });
      const fvg = new FvgDetector(bars, { joinConsecutive: false });
      if (bars.length > 0) {
        bos.update(bars.length - 1);
        ob.update(bars.length - 1);
        fvg.update(bars.length - 1);
      }
      d = { bars, sw, bos, ob, fvg };
      this.detectors.set(tf, d);
    }
    return d;
  }

  /**
   * The context at time `at`. `display` is the series whose candles are drawn (default the builder's);
   * it may run past `at`, those candles are only displayed, greyed.
   */
  context(at: number, opts: SignalContextOptions = {}, display: CandleSeries = this.base): SignalContext {
    const { base, config } = this;
    return contextAt(base, display, at, config, this.prepared, (tf) => this.structure(tf), opts);
  }
}

/**
 * Builds the signal context at time `at` from `base` (the symbol's base series; it may extend past `at`,
 * those bars are only displayed). The decision and every annotation read only bars closed at or before the
 * decision time: the base series is cut there before anything is computed. For many times of one symbol,
 * {@link SignalContextBuilder} does the same work once.
 *
 * Load `base` from the same start as the backtest did (all stored history by default): the daily EMA is
 * seeded from the first closes, so a later start can change early decisions.
 */
export function buildSignalContext(
  base: CandleSeries,
  at: number,
  config: StrategyConfig,
  opts: SignalContextOptions = {},
): SignalContext {
  const n = closedBars(base, at);
  return new SignalContextBuilder(sliceSeries(base, 0, n), config).context(at, opts, base);
}

/** Number of bars of `base` closed at or before `at` (close = open + timeframe); refuses none. */
function closedBars(base: CandleSeries, at: number): number {
  const n = lowerBound(base.ts, at - TIMEFRAME_MS[base.timeframe] + 1);
  if (n === 0) {
    throw new RangeError(
      `no ${base.symbol} ${base.timeframe} bar closes at or before ${new Date(at).toISOString()}`,
    );
  }
  return n;
}

function contextAt(
  base: CandleSeries,
  display: CandleSeries,
  at: number,
  config: StrategyConfig,
  prepared: ReturnType<SmcStrategy['prepare']>,
  structure: (tf: Timeframe) => StructureDetectors,
  opts: SignalContextOptions,
): SignalContext {
  const tf = base.timeframe;
  const baseMs = TIMEFRAME_MS[tf];
  const n = closedBars(base, at);
  const decisionTs = base.ts[n - 1] + baseMs;
  const decision = prepared.describe(n - 1);
  const t = decision.trace;

  const stf: Timeframe = (t.structure_tf as Timeframe | null) ?? config.structure.timeframe;
  const det = structure(stf);
  const sBars = det.bars;
  const sMs = TIMEFRAME_MS[stf];
  // last structure bar closed by the decision
  const jLast = lowerBound(sBars.ts, decisionTs - sMs + 1) - 1;

  // displayed candles come from `display`, aligned on the decision bar
  const dn = closedBars(display, at);
  if (display.ts[dn - 1] !== base.ts[n - 1]) {
    throw new RangeError('the display series does not hold the decision bar of the base series');
  }
  const barsBefore = Math.min(opts.barsBefore ?? 120, MAX_BARS_BEFORE);
  const barsAfter = opts.barsAfter ?? 24;
  let first = Math.max(0, dn - barsBefore);

  const swings: SwingMark[] = [];
  const allBreaks: Omit<BreakMark, 'latest'>[] = [];
  const zones: ZoneBox[] = [];
  if (jLast >= 0) {
    const { sw, bos, ob, fvg } = det;
    const open = (j: number) => sBars.ts[j];
    const close = (j: number) => sBars.ts[j] + sMs;

    // swings: a revocation always targets the latest swing (primitives README), so the list is a stack
    const stack: { anchor: number; level: number; dir: 1 | -1 }[] = [];
    for (const e of sw.events) {
      if (e.knownAt > jLast) break;
      if (e.edge !== 'none') continue;
      if (e.type === 'swing') stack.push({ anchor: e.anchor, level: e.level, dir: e.dir });
      else {
        const k = stack.findLastIndex((x) => x.anchor === e.anchor);
        if (k >= 0) stack.splice(k, 1);
      }
    }
    for (const x of stack) swings.push({ ts: open(x.anchor) + sMs / 2, level: x.level, dir: x.dir });

    // in publication order; a cancelled fact is dropped (its replacement comes with the cancellation)
    const facts = new Map<string, Omit<BreakMark, 'latest'>>();
    for (const e of bos.events) {
      if (e.knownAt > jLast) break;
      const key = `${e.anchor}:${e.dir}:${e.kind}`;
      facts.delete(key);
      if (e.type === 'structure' && e.brokenIndex >= 0) {
        facts.set(key, {
          kind: e.kind,
          dir: e.dir,
          level: e.level,
          fromTs: open(e.anchor),
          toTs: close(e.brokenIndex),
          knownTs: close(e.knownAt),
        });
      }
    }
    allBreaks.push(...facts.values());

    const collect = <
      E extends { type: string; anchor: number; knownAt: number; dir: 1 | -1; top: number; bottom: number },
    >(
      kind: 'ob' | 'fvg',
      events: readonly E[],
      starts: string,
    ) => {
      const live = new Map<number, { dir: 1 | -1; top: number; bottom: number; from: number }>();
      const ended: ZoneBox[] = [];
      for (const e of events) {
        if (e.knownAt > jLast) break;
        if (e.type === starts) {
          live.set(e.anchor, { dir: e.dir, top: e.top, bottom: e.bottom, from: open(e.anchor) });
          continue;
        }
        const z = live.get(e.anchor);
        if (z === undefined) continue;
        live.delete(e.anchor);
        // merged-away gaps were never a separate zone to the engine after the merge: drop them
        if (e.type === 'fvg-merged') continue;
        ended.push({
          kind,
          dir: z.dir,
          fromTs: z.from,
          toTs: close(e.knownAt),
          bottom: z.bottom,
          top: z.top,
          active: false,
          newest: false,
        });
      }
      for (const dir of [1, -1] as const) {
        const act = [...live.values()].filter((z) => z.dir === dir).sort((a, b) => b.from - a.from);
        act.slice(0, MAX_ZONES_PER_SIDE).forEach((z, k) => {
          zones.push({
            kind,
            dir,
            fromTs: z.from,
            toTs: decisionTs,
            bottom: z.bottom,
            top: z.top,
            active: true,
            newest: k === 0,
          });
        });
        const gone = ended.filter((z) => z.dir === dir).sort((a, b) => b.toTs - a.toTs);
        zones.push(...gone.slice(0, MAX_ZONES_PER_SIDE));
      }
    };
    collect('ob', ob.events, 'ob');
    collect('fvg', fvg.events, 'fvg');

    // show the current structure leg: start the window at its broken swing when that is not too far back
    const leg = allBreaks.at(-1);
    if (leg !== undefined && t.structure_known_ts !== null) {
      const k = lowerBound(display.ts, leg.fromTs - 4 * sMs);
      if (k < first && dn - k <= MAX_BARS_BEFORE) first = k;
    }
  }

  const last = Math.min(display.length, dn + Math.max(0, barsAfter));
  const shown: ChartCandle[] = [];
  for (let i = first; i < last; i++) {
    shown.push({
      ts: display.ts[i],
      open: display.open[i],
      high: display.high[i],
      low: display.low[i],
      close: display.close[i],
      seen: i < dn,
    });
  }
  const window = { from: display.ts[first], to: display.ts[last - 1] + baseMs };

  const inWindow = allBreaks.filter((b) => b.toTs >= window.from);
  // the break the structure gate used (when it passed), else the newest one known
  const used =
    t.structure_known_ts !== null
      ? allBreaks.findLast((b) => b.knownTs === t.structure_known_ts && b.level === t.structure_level)
      : allBreaks.at(-1);
  const breaks: BreakMark[] = inWindow.slice(-MAX_BREAKS).map((b) => ({ ...b, latest: b === used }));
  const visibleZones = zones.filter((z) => z.toTs >= window.from);

  return {
    symbol: base.symbol,
    baseTimeframe: tf,
    structureTimeframe: stf,
    decisionTs,
    decision,
    config,
    candles: shown,
    swings: swings.filter((s) => s.ts >= window.from),
    breaks,
    zones: visibleZones,
    ote: oteBand(decision, decisionTs, used?.toTs),
    levels: priceLevels(decision),
    window,
  };
}

/** The OTE band from the break that started the leg (`legStart`, when known) to the decision. */
function oteBand(d: SmcDecision, decisionTs: number, legStart: number | undefined): OteBand | null {
  const t = d.trace;
  if (t.ote_low === null || t.ote_high === null || t.leg_origin === null || t.leg_extreme === null)
    return null;
  const o = t.leg_origin;
  const e = t.leg_extreme;
  const price = (r: number) => e - r * (e - o);
  const a = price(t.ote_low);
  const b = price(t.ote_high);
  return {
    fromTs: Math.min(legStart ?? t.structure_known_ts ?? decisionTs, t.structure_known_ts ?? decisionTs),
    toTs: decisionTs,
    low: Math.min(a, b),
    high: Math.max(a, b),
    fracLow: t.ote_low,
    fracHigh: t.ote_high,
  };
}

function priceLevels(d: SmcDecision): PriceLevel[] {
  const out: PriceLevel[] = [];
  const signal = d.action !== 'NO_SIGNAL';
  if (d.entry !== null) out.push({ name: signal ? 'entry' : 'close', price: d.entry });
  if (d.stop !== null) out.push({ name: 'stop', price: d.stop });
  if (d.tp1 !== null) out.push({ name: 'TP1', price: d.tp1 });
  if (d.tp2 !== null) out.push({ name: 'TP2', price: d.tp2 });
  if (d.tp3 !== null) out.push({ name: 'TP3', price: d.tp3 });
  if (d.trace.leg_origin !== null) out.push({ name: 'leg origin', price: d.trace.leg_origin });
  return out;
}
