import type { CandleSeries } from '../candles/series.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import type { Timeframe } from '../timeframes.ts';
import { generateSynthetic, type SyntheticOptions } from './generator.ts';
import { deriveSeed, Prng } from './prng.ts';

/**
 * Forty-five perpetuals, about the size of the seed's eligible universe (seed §15: ~45 of 243
 * candidates). The five pinned Tier A majors come first.
 */
// biome-ignore format: a table reads better in rows
export const SYNTHETIC_UNIVERSE_45: readonly string[] = [
  'BTC', 'ETH', 'SOL', 'DOGE', 'BNB', 'XRP', 'ADA', 'AVAX', 'LINK', 'DOT',
  'LTC', 'BCH', 'TRX', 'MATIC', 'UNI', 'ATOM', 'ETC', 'FIL', 'APT', 'ARB',
  'OP', 'NEAR', 'INJ', 'SUI', 'SEI', 'TIA', 'AAVE', 'MKR', 'LDO', 'RUNE',
  'XLM', 'ALGO', 'HBAR', 'ICP', 'SAND', 'MANA', 'AXS', 'GALA', 'APE', 'CRV',
  'WIF', 'PEPE', 'SHIB', 'FTM', 'GRT',
];

/** Rough price levels so synthetic series look like their namesakes; others get a seeded level. */
// biome-ignore format: a table reads better in rows
const PRICE_LEVEL: Readonly<Record<string, number>> = {
  BTC: 42_000, ETH: 2_300, SOL: 100, DOGE: 0.08, BNB: 300, XRP: 0.6, ADA: 0.5, AVAX: 35, LINK: 15,
  DOT: 7, LTC: 70, BCH: 250, PEPE: 0.0000012, SHIB: 0.00001,
};

export interface UniverseOptions
  extends Omit<SyntheticOptions, 'symbol' | 'startPrice' | 'baseVolume' | 'timeframe' | 'length'> {
  /** Symbols to make; default {@link SYNTHETIC_UNIVERSE_45}. A number takes the first N of it. */
  symbols?: readonly string[] | number;
  timeframe?: Timeframe;
  /** Bars per symbol; default one year of the timeframe (35,040 on 15m). */
  length?: number;
}

/**
 * Many symbols at once (benchmarks, sweeps). Each symbol's stream is seeded from (seed, symbol), so a
 * symbol's candles do not change when others are added or removed.
 */
export function generateUniverse(opts: UniverseOptions = {}): CandleSeries[] {
  const timeframe = opts.timeframe ?? '15m';
  const barsPerYear = { '15m': 35_040, '1h': 8_760, '4h': 2_190, '1d': 365 }[timeframe];
  const list =
    typeof opts.symbols === 'number'
      ? SYNTHETIC_UNIVERSE_45.slice(0, opts.symbols)
      : (opts.symbols ?? SYNTHETIC_UNIVERSE_45);
  const seed = opts.seed ?? 1;
  return list.map((raw) => {
    const symbol = canonicalSymbol(raw);
    const levels = new Prng(deriveSeed(seed, `level:${symbol}`));
    const startPrice = PRICE_LEVEL[symbol] ?? 10 ** (levels.next() * 4 - 1);
    return generateSynthetic({
      ...opts,
      symbol,
      timeframe,
      length: opts.length ?? barsPerYear,
      startPrice,
      // similar dollar volume across the universe
      baseVolume: 2_000_000 / startPrice / (1 + levels.next()),
      annualVol: opts.annualVol ?? (symbol === 'BTC' ? 0.5 : 0.6 + 0.4 * levels.next()),
    }).series;
  });
}
