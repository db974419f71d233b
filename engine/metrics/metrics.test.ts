import { describe, expect, it } from 'vitest';
import { computeMetrics } from './compute.ts';
import { drawdownStats, underwater } from './drawdown.ts';
import { exposure } from './exposure.ts';
import { cagr } from './returns.ts';
import type { EquityCurve, TradeRecord } from './trade-record.ts';
import { tradeStats } from './trade-stats.ts';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1);

function curve(points: Array<[number, number]>): EquityCurve {
  return {
    ts: Float64Array.from(points.map((p) => p[0])),
    equity: Float64Array.from(points.map((p) => p[1])),
  };
}

function trade(p: Partial<TradeRecord> & Pick<TradeRecord, 'netPnl'>): TradeRecord {
  return {
    strategyId: 's',
    symbol: 'BTC',
    side: 'long',
    entryTs: 0,
    exitTs: H,
    entryPrice: '100',
    exitPrice: '101',
    qty: '1',
    fees: '0',
    funding: '0',
    pnl: p.netPnl,
    exitReason: 'take_profit',
    ...p,
  };
}

// One sample per day at noon: 100 → 110 → 99 → 121.
const fourDays = curve([
  [T0 + 12 * H, 100],
  [T0 + D + 12 * H, 110],
  [T0 + 2 * D + 12 * H, 99],
  [T0 + 3 * D + 12 * H, 121],
]);

describe('return statistics (hand-computed)', () => {
  // Daily returns: day 0 from its own first sample = 0, then +10%, −10%, +22.2…%.
  const r = [0, 0.1, -0.1, 121 / 99 - 1];
  const mean = (r[0] + r[1] + r[2] + r[3]) / 4;
  const sampleVar = r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3;

  it('Sharpe is mean / sample std × √365', () => {
    const m = computeMetrics({ curve: fourDays, trades: [], startEquity: 100 });
    expect(m.days).toBe(4);
    expect(m.sharpe).toBeCloseTo((mean / Math.sqrt(sampleVar)) * Math.sqrt(365), 10);
    // The same number written out: mean 0.0555…, std 0.137885…
    expect(m.sharpe).toBeCloseTo(7.6976, 3);
  });

  it('Sortino divides by the downside deviation over all n days (target 0)', () => {
    const m = computeMetrics({ curve: fourDays, trades: [], startEquity: 100 });
    // Only −10% is below target: √(0.01 / 4) = 0.05.
    expect(m.sortino).toBeCloseTo((mean / 0.05) * Math.sqrt(365), 10);
  });

  it('total return and CAGR come from start and final equity', () => {
    const m = computeMetrics({ curve: fourDays, trades: [], startEquity: 100 });
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    expect((m.cagr ?? 0) / (1.21 ** (365 / 3) - 1)).toBeCloseTo(1, 12);
    // One year at +10% is +10% a year; two years at +21% is +10% a year.
    expect(cagr(100, 110, 365 * D)).toBeCloseTo(0.1, 12);
    expect(cagr(100, 121, 730 * D)).toBeCloseTo(0.1, 12);
    expect(cagr(100, -5, 365 * D)).toBe(-1);
  });

  it('undefined ratios are null, not Infinity', () => {
    const flat = curve([
      [T0, 100],
      [T0 + D, 100],
      [T0 + 2 * D, 100],
    ]);
    const m = computeMetrics({ curve: flat, trades: [], startEquity: 100 });
    expect(m.sharpe).toBe(0);
    const rising = curve([
      [T0, 100],
      [T0 + D, 110],
      [T0 + 2 * D, 121],
    ]);
    const up = computeMetrics({ curve: rising, trades: [], startEquity: 100 });
    expect(up.sortino).toBeNull();
    expect(up.calmar).toBeNull();
    expect(JSON.parse(JSON.stringify(up)).sortino).toBeNull();
  });
});

describe('drawdown (hand-computed)', () => {
  it('max drawdown 10% from 110 to 99, two days from peak to recovery', () => {
    const dd = drawdownStats(fourDays);
    expect(dd.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(dd.peakTs).toBe(T0 + D + 12 * H);
    expect(dd.troughTs).toBe(T0 + 2 * D + 12 * H);
    expect(dd.recoveryTs).toBe(T0 + 3 * D + 12 * H);
    expect(dd.maxDrawdownDurationMs).toBe(2 * D);
    expect(dd.longestDrawdownMs).toBe(2 * D);
  });

  it('an unrecovered drawdown lasts to the end; the longest episode may be a shallower one', () => {
    // Peak 100 → 95 (5%) for 5 hours, recovers at 100, then 120 → 90 (25%) until the end (2 hours).
    const c = curve([
      [0, 100],
      [H, 95],
      [2 * H, 96],
      [5 * H, 100],
      [6 * H, 120],
      [7 * H, 100],
      [8 * H, 90],
    ]);
    const dd = drawdownStats(c);
    expect(dd.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(dd.recoveryTs).toBeNull();
    expect(dd.maxDrawdownDurationMs).toBe(2 * H);
    expect(dd.longestDrawdownMs).toBe(5 * H);
    const uw = [0, -0.05, -0.04, 0, 0, 100 / 120 - 1, 90 / 120 - 1];
    const got = underwater(c);
    for (let i = 0; i < uw.length; i++) expect(got[i]).toBeCloseTo(uw[i], 12);
  });

  it('Calmar is CAGR over max drawdown', () => {
    const m = computeMetrics({ curve: fourDays, trades: [], startEquity: 100 });
    expect(m.calmar).toBeCloseTo((1.21 ** (365 / 3) - 1) / 0.1, 0);
  });
});

describe('trade statistics (hand-computed)', () => {
  const trades: TradeRecord[] = [
    trade({ symbol: 'BTC', entryTs: 0, exitTs: H, pnl: '32', fees: '2', netPnl: '30' }),
    trade({
      symbol: 'ETH',
      side: 'short',
      entryTs: 2 * H,
      exitTs: 4 * H,
      pnl: '-8',
      fees: '1',
      funding: '1',
      netPnl: '-10',
      exitReason: 'stop_loss',
    }),
    trade({ symbol: 'BTC', entryTs: 3 * H, exitTs: 5 * H, pnl: '21', fees: '1', netPnl: '20' }),
    trade({
      symbol: 'ETH',
      entryTs: 6 * H,
      exitTs: 8 * H,
      pnl: '5.5',
      fees: '0.5',
      funding: '-0.25',
      netPnl: '5.25',
      exitReason: 'open',
    }),
  ];

  it('win rate, profit factor, expectancy and holding time use closed trades', () => {
    const s = tradeStats(trades);
    expect(s.closedTrades).toBe(3);
    expect(s.openTrades).toBe(1);
    expect(s.winRate).toBeCloseTo(2 / 3, 12);
    expect(s.profitFactor).toBeCloseTo(5, 12);
    expect(s.expectancy).toBeCloseTo(40 / 3, 12);
    expect(s.avgWin).toBe(25);
    expect(s.avgLoss).toBe(-10);
    expect(s.avgHoldMs).toBeCloseTo((5 * H) / 3, 6);
  });

  it('fees, funding and P&L sum every trade, exactly', () => {
    const s = tradeStats(trades);
    expect(s.feesPaid).toBe(4.5);
    expect(s.fundingPaid).toBe(0.75);
    expect(s.grossPnl).toBe(50.5);
    expect(s.netPnl).toBe(45.25);
  });

  it('counts by exit reason and by symbol', () => {
    const s = tradeStats(trades);
    expect(s.byExitReason).toEqual({
      open: { count: 1, wins: 0, netPnl: 5.25 },
      stop_loss: { count: 1, wins: 0, netPnl: -10 },
      take_profit: { count: 2, wins: 2, netPnl: 50 },
    });
    expect(s.bySymbol).toEqual({
      BTC: { count: 2, wins: 2, netPnl: 50 },
      ETH: { count: 2, wins: 0, netPnl: -4.75 },
    });
  });

  it('profit factor is null without a losing trade', () => {
    expect(tradeStats([trade({ netPnl: '1' })]).profitFactor).toBeNull();
    expect(tradeStats([]).winRate).toBeNull();
  });

  it('exposure is the union of holding intervals over the span', () => {
    // [0,1] ∪ [2,4] ∪ [3,5] ∪ [6,8] = 1 + 3 + 2 hours of 8.
    expect(exposure(trades, 0, 8 * H)).toBeCloseTo(0.75, 12);
    // Clipped to the span.
    expect(exposure(trades, 4 * H, 8 * H)).toBeCloseTo(3 / 4, 12);
    expect(exposure([], 0, H)).toBe(0);
  });
});
