import type { CandleSeries } from '../../../data/candles/series.ts';
import type { Timeframe } from '../../../data/timeframes.ts';
import { EmaCrossStrategy } from '../../../strategies/ema-cross/ema-cross.ts';
import {
  atrColumn,
  atrWarmupBars,
  emaWarmupBars,
  MomentumStrategy,
  momentumWarmupNeeds,
  rollingExtreme,
} from '../../../strategies/momentum/index.ts';
import { AtrFeature, StructureFeature } from '../../../strategies/smc/context/features.ts';
import { createPrimitiveStructureSource } from '../../../strategies/smc/context/primitive-source.ts';
import { emaInto } from '../../../strategies/smc/indicators/ema.ts';
import { SmcStrategy } from '../../../strategies/smc/pipeline.ts';
import type { Decision, Strategy } from '../../../strategies/strategy.ts';

/**
 * The indicators and features a strategy computes, each as a probe the warm-up check can run from
 * different starts of the data: the same builders the strategies use, on one timeframe's bars, giving
 * columns whose row j depends on bars ≤ j (and, through the seeding of smoothers and the state of
 * structure trackers, on where the data starts — which is what the check measures).
 */
export interface ProbeColumn {
  readonly name: string;
  readonly values: ArrayLike<number>;
  /** Compare exactly (codes, flags, times) instead of within the relative tolerance. */
  readonly exact?: boolean;
  /** Compare within this absolute difference instead (bounded quantities such as percentile ranks). */
  readonly absolute?: number;
}

export interface FeatureProbe {
  /** What users call it, with its parameters: `EMA 200`, `ATR 14`, `BOS/CHoCH swing 5`. */
  readonly name: string;
  /** What the strategy uses it for. */
  readonly role: string;
  readonly timeframe: Timeframe;
  /**
   * Bars of `timeframe` the strategy's own warm-up setting for this input gives it (e.g. SMC's
   * `max(ema_period, warmup.daily_bars) + 1` daily bars); null when no setting covers it by itself.
   */
  readonly declaredBars: number | null;
  /**
   * Bars after which the seed's share of the error is below the tolerance (smoothers: see
   * strategies/momentum/indicators.ts `smoothingWarmupBars`; rolling windows: the window); null for
   * path-dependent state (structure) that has no analytic bound — only measuring tells.
   */
  readonly boundBars: number | null;
  columns(series: CandleSeries): readonly ProbeColumn[];
}

function emaProbe(
  name: string,
  role: string,
  tf: Timeframe,
  period: number,
  declared: number | null,
  tol: number,
) {
  return {
    name,
    role,
    timeframe: tf,
    declaredBars: declared,
    boundBars: emaWarmupBars(period, tol),
    columns: (s: CandleSeries) => [
      { name: 'ema', values: emaInto(s.close, period, new Float64Array(s.length)) },
    ],
  } satisfies FeatureProbe;
}

function smcProbes(s: SmcStrategy, tol: number): FeatureProbe[] {
  const c = s.config;
  const atrDeclared = Math.max(c.stop.atr_period, c.regimes.atr_percentile_window) + c.stop.atr_period + 1;
  const atrBound = atrWarmupBars(c.stop.atr_period, tol);
  const atrOf = (bars: CandleSeries) => {
    const f = new AtrFeature('4h', c.stop.atr_period, c.regimes.atr_percentile_window, bars.length);
    for (let j = 0; j < bars.length; j++) f.closeBar(bars, j);
    return f;
  };
  // one tracker per series, shared by the three structure probes of its timeframe
  const trackers = new WeakMap<CandleSeries, StructureFeature>();
  const trackerOf = (tf: '4h' | '1h', bars: CandleSeries): StructureFeature => {
    let f = trackers.get(bars);
    if (f === undefined) {
      f = new StructureFeature(tf, createPrimitiveStructureSource(tf, c.structure.swing_length), bars.length);
      for (let j = 0; j < bars.length; j++) f.closeBar(bars, j);
      trackers.set(bars, f);
    }
    return f;
  };
  // the columns are growable buffers: only the first `length` rows are bars
  const col = (name: string, values: Int8Array | Float64Array, n: number, exact = false): ProbeColumn => ({
    name,
    values: values.subarray(0, n),
    exact,
  });
  const structure = (tf: '4h' | '1h'): FeatureProbe[] => {
    const primary = tf === c.structure.timeframe;
    const role = primary ? 'decision structure' : tf === '1h' ? '1h fallback, alignment' : 'alignment';
    const declaredBars = primary ? Math.max(c.warmup.decision_bars, c.structure.swing_length) + 1 : null;
    const swing = `swing ${c.structure.swing_length}`;
    return [
      {
        name: `BOS/CHoCH legs (${swing})`,
        role,
        timeframe: tf,
        declaredBars,
        boundBars: null,
        columns: (bars) => {
          const f = trackerOf(tf, bars);
          const n = f.length;
          const known = new Float64Array(n);
          for (let j = 0; j < n; j++) {
            const k = f.leg.knownAt.data[j];
            known[j] = k < 0 ? Number.NaN : bars.ts[k];
          }
          return [
            col('direction', f.leg.dir.data, n, true),
            col('kind', f.leg.kind.data, n, true),
            col('break time', known, n, true),
            col('invalidated', f.leg.invalidated.data, n, true),
            col('level', f.leg.level.data, n),
            col('leg origin', f.leg.origin.data, n),
            col('leg extreme', f.leg.extreme.data, n),
          ];
        },
      },
      {
        name: `order blocks (${swing})`,
        role: `score (${role})`,
        timeframe: tf,
        declaredBars,
        boundBars: null,
        columns: (bars) => {
          const f = trackerOf(tf, bars);
          const n = f.length;
          return [
            col('bullish OB low', f.obBullLow.data, n),
            col('bullish OB high', f.obBullHigh.data, n),
            col('bearish OB low', f.obBearLow.data, n),
            col('bearish OB high', f.obBearHigh.data, n),
          ];
        },
      },
      {
        name: 'fair value gaps',
        role: `score (${role})`,
        timeframe: tf,
        declaredBars,
        boundBars: null,
        columns: (bars) => {
          const f = trackerOf(tf, bars);
          const n = f.length;
          return [
            col('bullish FVG low', f.fvgBullLow.data, n),
            col('bullish FVG high', f.fvgBullHigh.data, n),
            col('bearish FVG low', f.fvgBearLow.data, n),
            col('bearish FVG high', f.fvgBearHigh.data, n),
          ];
        },
      },
    ];
  };
  return [
    emaProbe(
      `EMA ${c.bias.ema_period}`,
      'daily bias',
      c.bias.timeframe,
      c.bias.ema_period,
      Math.max(c.bias.ema_period, c.warmup.daily_bars) + 1,
      tol,
    ),
    {
      name: `ATR ${c.stop.atr_period}`,
      role: 'stop, regime',
      timeframe: '4h',
      declaredBars: atrDeclared,
      boundBars: atrBound,
      columns: (bars) => [{ name: 'atr', values: atrOf(bars).atr.data.subarray(0, bars.length) }],
    },
    {
      name: `ATR/close percentile ${c.regimes.atr_percentile_window}`,
      role: 'regime (volatile_smc)',
      timeframe: '4h',
      declaredBars: atrDeclared,
      boundBars: atrBound + c.regimes.atr_percentile_window,
      // a rank is k / window: one rank of difference is within tolerance
      columns: (bars) => [
        {
          name: 'percentile',
          values: atrOf(bars).atrPercentile.data.subarray(0, bars.length),
          absolute: 1 / c.regimes.atr_percentile_window + 1e-12,
        },
      ],
    },
    ...structure('4h'),
    ...structure('1h'),
  ];
}

function momentumProbes(s: MomentumStrategy, tol: number): FeatureProbe[] {
  const c = s.config;
  const needs = momentumWarmupNeeds(c);
  const tf = c.channel.timeframe;
  const probes: FeatureProbe[] = [
    {
      name: `Donchian ${c.channel.bars}`,
      role: 'breakout range',
      timeframe: tf,
      declaredBars: needs.channelBars,
      boundBars: c.channel.bars,
      columns: (bars) => [
        { name: 'high', values: rollingExtreme(bars.high, c.channel.bars, 1) },
        { name: 'low', values: rollingExtreme(bars.low, c.channel.bars, -1) },
      ],
    },
    {
      name: `ATR ${c.atr.period}`,
      role: 'stop, breakout strength',
      timeframe: tf,
      declaredBars: needs.channelBars,
      boundBars: atrWarmupBars(c.atr.period, tol),
      columns: (bars) => [{ name: 'atr', values: atrColumn(bars, c.atr.period) }],
    },
  ];
  if (c.trend.enabled) {
    probes.push(
      emaProbe(
        `EMA ${c.trend.ema_period}`,
        'trend filter',
        c.trend.timeframe,
        c.trend.ema_period,
        needs.trendBars,
        tol,
      ),
    );
  }
  return probes;
}

function emaCrossProbes(s: EmaCrossStrategy, base: Timeframe, tol: number): FeatureProbe[] {
  const { fast, slow } = s.params;
  return [
    emaProbe(`EMA ${fast}`, 'fast line', base, fast, slow, tol),
    emaProbe(`EMA ${slow}`, 'slow line', base, slow, slow, tol),
  ];
}

/**
 * The probes of a strategy's inputs (empty for a strategy the checks do not know: its decisions are
 * still measured as a whole).
 */
export function featureProbes(
  strategy: Strategy<Decision<object>>,
  base: Timeframe,
  tolerance: number,
): FeatureProbe[] {
  if (strategy instanceof SmcStrategy) return smcProbes(strategy, tolerance);
  if (strategy instanceof MomentumStrategy) return momentumProbes(strategy, tolerance);
  if (strategy instanceof EmaCrossStrategy) return emaCrossProbes(strategy, base, tolerance);
  return [];
}
