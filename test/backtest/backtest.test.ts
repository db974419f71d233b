import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import { runBacktest } from '../../engine/backtest/run.ts';
import { EMA_CONFIG, Exact, emaFeed, reconciledEquity, smcFeed } from './kit.ts';

describe('runBacktest: EMA crossover through the full engine', async () => {
  const feed = emaFeed();
  const result = await runBacktest(EMA_CONFIG, feed);

  it('trades, and every trade reconciles with the exact ledger: final = start + Σ pnl − fees − funding', () => {
    expect(result.trades.length).toBeGreaterThan(100);
    expect(reconciledEquity(result).eq(new Exact(result.finalEquity))).toBe(true);
    expect(Number(result.metrics.fundingPaid)).not.toBe(0);
    // The float equity curve ends where the ledger does.
    expect(result.metrics.finalEquity).toBeCloseTo(Number(result.finalEquity), 6);
  });

  it('an order from the decision at a bar close fills at the next bar open, never before', () => {
    const base = feed.candles.BTC['15m'];
    if (base === undefined) throw new Error('no base series');
    const step = TIMEFRAME_MS['15m'];
    for (const intent of result.intents.slice(0, 50)) {
      const fill = result.fills.find((f) => f.clientId === intent.clientId);
      expect(fill).toBeDefined();
      if (fill === undefined) continue;
      // Decided at close T+F of the bar opening at T; filled at the open of the bar opening at T+F.
      expect(fill.ts).toBe(intent.ts);
      const i = Math.round((fill.ts - base.ts[0]) / step);
      expect(base.ts[i]).toBe(fill.ts);
      expect(Number(fill.price)).toBe(base.open[i]);
    }
  });

  it('reverses on the opposite cross with one order, sized to 90% of equity', () => {
    const outcomes = Object.fromEntries(
      result.funnel.strategies[0].outcomes.map((o) => [o.outcome, o.count]),
    );
    expect(outcomes.entered).toBe(1);
    expect(outcomes.reversed).toBe(result.funnel.strategies[0].signals - 1);
    const reasons = new Set(result.trades.map((t) => t.exitReason));
    expect([...reasons].sort()).toEqual(['open', 'signal_reverse']);
    expect(result.trades.filter((t) => t.exitReason === 'open')).toHaveLength(1);
  });
});

describe('runBacktest: determinism', async () => {
  const feed = emaFeed(6_000);
  const a = await runBacktest(EMA_CONFIG, feed);
  const b = await runBacktest(EMA_CONFIG, emaFeed(6_000));

  it('the same inputs give the same result hash', () => {
    expect(b.resultHash).toBe(a.resultHash);
    expect(b.configHash).toBe(a.configHash);
    expect(b.dataHash).toBe(a.dataHash);
  });

  it('changing one config value changes the config hash and the result hash', async () => {
    const c = await runBacktest(
      { ...EMA_CONFIG, sim: { ...EMA_CONFIG.sim, fees: { maker: 0.0005, taker: 0.0006 } } },
      feed,
    );
    expect(c.configHash).not.toBe(a.configHash);
    expect(c.resultHash).not.toBe(a.resultHash);
  });

  it('changing one candle changes the data hash', async () => {
    const other = emaFeed(6_000);
    const s = other.candles.BTC['15m'];
    if (s === undefined) throw new Error('no base series');
    s.volume[100] += 1;
    const d = await runBacktest(EMA_CONFIG, other);
    expect(d.dataHash).not.toBe(a.dataHash);
  });

  it('the result survives a structured clone (worker transfer) with the same hash inputs', () => {
    const clone = structuredClone(a);
    expect(clone.equity.equity).toEqual(a.equity.equity);
    expect(clone.trades).toEqual(a.trades);
  });
});

describe('runBacktest: the SMC chain (managed positions)', async () => {
  const result = await runBacktest({ sim: { funding: { rate: 0.0001 } } }, smcFeed());

  it('enters through risk and auction, protects with a stop and TPs, and reconciles exactly', () => {
    const f = result.funnel.strategies[0];
    expect(f.strategyId).toBe('smc');
    expect(f.signals).toBeGreaterThan(0);
    const entered = f.outcomes.find((o) => o.outcome === 'entered')?.count ?? 0;
    expect(entered).toBeGreaterThan(0);
    expect(result.trades.length).toBe(entered);
    const types = new Set(result.intents.map((i) => i.actionType));
    expect(types.has('PLACE_ENTRY') && types.has('PLACE_STOP') && types.has('PLACE_TP')).toBe(true);
    expect(reconciledEquity(result).eq(new Exact(result.finalEquity))).toBe(true);
  });

  it('every decision before the warm-up is rejected as WARMUP, and the funnel adds up', () => {
    const f = result.funnel.strategies[0];
    const rejected = f.rejected.reduce((n, r) => n + r.count, 0);
    expect(rejected + f.signals).toBe(f.evaluated);
    expect(f.evaluated).toBe(2 * 24 * 420);
    expect(f.rejected[0].reason).toBe('WARMUP');
  });
});
