import { Decimal } from 'decimal.js';
import type { CandleSeries } from '../../data/candles/series.ts';
import { syntheticSeries } from '../../data/synthetic/index.ts';
import type { BacktestConfigInput } from '../../engine/backtest/config.ts';
import type { BacktestFeed } from '../../engine/backtest/feed.ts';
import type { BacktestResult } from '../../engine/backtest/types.ts';

/** Decimal wide enough that sums of 40-digit ledger values stay exact in assertions. */
export const Exact = Decimal.clone({ precision: 80 });

/** One synthetic 15m symbol for the EMA-crossover runs. */
export function emaFeed(length = 20_000, seed = 7): BacktestFeed {
  return {
    baseTimeframe: '15m',
    candles: { BTC: { '15m': syntheticSeries({ symbol: 'BTC', length, seed, startPrice: 30_000 }) } },
  };
}

export const EMA_CONFIG: BacktestConfigInput = {
  sim: {
    initialBalance: 10_000,
    fees: { maker: 0.0005, taker: 0.0005 },
    slippageBps: 0,
    funding: { rate: 0.00005 },
  },
  backtest: { strategies: [{ kind: 'ema_cross' }], safety: false, trace: 'signals' },
};

/** A few synthetic 1h symbols, long enough for the SMC warm-up (200 daily bars) and some signals. */
export function smcFeed(symbols = ['AAA', 'BBB'], days = 420): BacktestFeed {
  const candles: Record<string, { '1h': CandleSeries }> = {};
  symbols.forEach((symbol, i) => {
    candles[symbol] = {
      '1h': syntheticSeries({ symbol, timeframe: '1h', length: 24 * days, seed: 11 + i, startPrice: 100 }),
    };
  });
  return { baseTimeframe: '1h', candles };
}

/** start + Σ pnl − Σ fees − Σ funding, exactly. */
export function reconciledEquity(r: BacktestResult): Decimal {
  let sum = new Exact(r.startEquity);
  for (const t of r.trades) sum = sum.plus(t.pnl).minus(t.fees).minus(t.funding);
  return sum;
}
