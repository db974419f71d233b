import { z } from 'zod';
import { allocateSeries, type CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import { TIMEFRAME_MS, TimeframeSchema } from '../timeframes.ts';
import { deriveSeed, Prng } from './prng.ts';

/**
 * Market regimes the generator switches between. Tests that need a known answer (a trend for the bias
 * gate, a range for OTE retracements, a volatile stretch for the regime filter) read the label per bar.
 */
export const REGIMES = ['trend_up', 'trend_down', 'range', 'volatile'] as const;
export type Regime = (typeof REGIMES)[number];
export const REGIME_CODE: Readonly<Record<Regime, number>> = {
  trend_up: 0,
  trend_down: 1,
  range: 2,
  volatile: 3,
};

const YEAR_MS = 365 * 24 * 3_600_000;

export const SyntheticOptionsSchema = z
  .object({
    /** Any symbol form; stored canonical (BTC). */
    symbol: z.string().min(1, 'symbol: give an asset such as BTC'),
    /** Source name written on the series so synthetic bars never mix with venue data in the store. */
    source: z.string().min(1).default('synthetic'),
    timeframe: TimeframeSchema.default('15m'),
    /** Open time of the first bar, UTC ms, aligned to the timeframe. */
    start: z
      .number()
      .int()
      .default(Date.UTC(2024, 0, 1)),
    length: z.number().int().min(1, 'length: at least 1 bar').max(5_000_000),
    seed: z.number().int().default(1),
    startPrice: z.number().positive('startPrice: must be > 0').default(100),
    /** Annualised volatility of log returns in a calm trend; regimes scale it. */
    annualVol: z.number().positive().max(10).default(0.6),
    /** Mean volume per bar in base units (before regime, activity and time-of-day effects). */
    baseVolume: z.number().positive().default(1000),
    /** Mean regime duration in hours (geometric); 72 h ≈ 288 bars of 15m. */
    meanRegimeHours: z.number().positive().default(72),
    /**
     * A fixed regime script instead of random switching: each leg holds `kind` for `bars` bars, and the
     * script repeats until `length` bars are made.
     */
    regimes: z
      .array(z.object({ kind: z.enum(REGIMES), bars: z.number().int().min(1) }))
      .min(1)
      .optional(),
    /** Round prices to this tick (monotone, so OHLC ordering survives); none by default. */
    tickSize: z.number().positive().optional(),
    /** Allocate the columns in a SharedArrayBuffer (sweeps hand them to workers without copying). */
    shared: z.boolean().default(false),
  })
  .refine((o) => o.start % TIMEFRAME_MS[o.timeframe] === 0, {
    path: ['start'],
    message: 'start must be a bar open time aligned to the timeframe (UTC)',
  });
export type SyntheticOptions = z.input<typeof SyntheticOptionsSchema>;

export interface SyntheticResult {
  series: CandleSeries;
  /** REGIME_CODE of each bar. */
  regime: Uint8Array;
}

interface RegimeParams {
  /** Drift per bar, in units of the per-bar volatility. */
  drift: number;
  volMult: number;
  /** Pull of log price toward the regime's anchor per bar (ranges). */
  meanReversion: number;
  volumeMult: number;
  /** Chance per bar of a liquidity sweep: a long wick of 2–4 σ beyond the body. */
  sweepProb: number;
}

const PARAMS: Readonly<Record<Regime, RegimeParams>> = {
  trend_up: { drift: 0.08, volMult: 1, meanReversion: 0, volumeMult: 1.1, sweepProb: 0.01 },
  trend_down: { drift: -0.09, volMult: 1.15, meanReversion: 0, volumeMult: 1.25, sweepProb: 0.012 },
  range: { drift: 0, volMult: 0.7, meanReversion: 0.03, volumeMult: 0.8, sweepProb: 0.02 },
  volatile: { drift: 0, volMult: 2.4, meanReversion: 0.005, volumeMult: 1.9, sweepProb: 0.04 },
};

function parseOptions(opts: SyntheticOptions) {
  const parsed = SyntheticOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UserError(`synthetic data: ${i.path.join('.') || '(options)'}: ${i.message}`);
  }
  return parsed.data;
}

/**
 * A seeded synthetic candle series with regimes (trend up/down, range, volatile), wicks that sometimes
 * sweep beyond recent extremes, volume that rises with activity and time of day, and valid OHLC on every
 * bar (low ≤ min(open, close) ≤ max(open, close) ≤ high, all positive and finite). Each bar opens at the
 * previous close, as perpetual futures do. The same options give identical arrays.
 */
export function generateSynthetic(opts: SyntheticOptions): SyntheticResult {
  const o = parseOptions(opts);
  const symbol = canonicalSymbol(o.symbol);
  const tfMs = TIMEFRAME_MS[o.timeframe];
  const n = o.length;
  const series = allocateSeries({ source: o.source, symbol, timeframe: o.timeframe }, n, o.shared);
  const regime = new Uint8Array(n);
  const rng = new Prng(deriveSeed(o.seed, symbol));

  const sigma = o.annualVol * Math.sqrt(tfMs / YEAR_MS);
  const meanBars = Math.max(4, (o.meanRegimeHours * 3_600_000) / tfMs);
  const logStart = Math.log(o.startPrice);
  const tick = o.tickSize;
  const round =
    tick === undefined ? (p: number) => p : (p: number) => Math.max(tick, Math.round(p / tick) * tick);

  let script = 0;
  let current: Regime = 'range';
  let left = 0;
  let anchor = logStart;
  let logP = logStart;
  let price = o.startPrice;
  // time-of-day activity by UTC hour: volume peaks in the European/US overlap
  const session = Float64Array.from(
    { length: 24 },
    (_, h) => 1 + 0.35 * Math.sin(2 * Math.PI * (h / 24 - 0.3)),
  );

  const { ts, open, high, low, close, volume } = series;
  for (let i = 0; i < n; i++) {
    if (left <= 0) {
      if (o.regimes) {
        const leg = o.regimes[script % o.regimes.length];
        script++;
        current = leg.kind;
        left = leg.bars;
      } else {
        current = nextRegime(rng, current, logP - logStart);
        // geometric duration with the configured mean
        left = Math.max(4, Math.ceil(-Math.log(1 - rng.next()) * meanBars));
      }
      anchor = logP;
    }
    left--;
    const p = PARAMS[current];
    regime[i] = REGIME_CODE[current];

    const vol = sigma * p.volMult;
    let shock = rng.normal();
    // fat tails: an occasional jump, more of them when volatile
    if (rng.next() < 0.004 * p.volMult) shock *= 3;
    const r = p.drift * sigma - p.meanReversion * (logP - anchor) + vol * shock;

    const o0 = price;
    logP += r;
    const c0 = o0 * Math.exp(r);
    price = c0;

    const bodyHi = Math.max(o0, c0);
    const bodyLo = Math.min(o0, c0);
    let up = Math.abs(rng.normal()) * 0.6 * vol;
    let down = Math.abs(rng.normal()) * 0.6 * vol;
    if (rng.next() < p.sweepProb) {
      const sweep = (2 + 2 * rng.next()) * vol;
      if (rng.next() < 0.5) up += sweep;
      else down += sweep;
    }

    ts[i] = o.start + i * tfMs;
    open[i] = round(o0);
    close[i] = round(c0);
    high[i] = round(bodyHi * Math.exp(up));
    low[i] = round(bodyLo * Math.exp(-down));

    const activity = 1 + 1.5 * Math.min(4, Math.abs(r) / sigma);
    const hour = ((Math.floor(ts[i] / 3_600_000) % 24) + 24) % 24;
    volume[i] = o.baseVolume * p.volumeMult * session[hour] * activity * Math.exp(0.35 * rng.normal() - 0.06);
  }
  return { series, regime };
}

/** {@link generateSynthetic} without the regime labels. */
export function syntheticSeries(opts: SyntheticOptions): CandleSeries {
  return generateSynthetic(opts).series;
}

/**
 * Markov switch between regimes. Far above or below the start price a trend that would push further is
 * not chosen, so a year of random regimes stays within a plausible band.
 */
function nextRegime(rng: Prng, current: Regime, logMove: number): Regime {
  for (;;) {
    const u = rng.next();
    const next: Regime = u < 0.3 ? 'trend_up' : u < 0.55 ? 'trend_down' : u < 0.85 ? 'range' : 'volatile';
    if (next === current && rng.next() < 0.7) continue;
    if (next === 'trend_up' && logMove > Math.log(3)) continue;
    if (next === 'trend_down' && logMove < -Math.log(3)) continue;
    return next;
  }
}
