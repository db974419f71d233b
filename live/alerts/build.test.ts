import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { dailySummaryAlert, newPositionAlert, positionClosedAlert } from './build.ts';
import { fmtDuration, fmtPct, fmtUsd } from './format.ts';
import { renderAlertText } from './types.ts';

describe('alert texts', () => {
  it('POSITION_CLOSED carries symbol, side, entry/exit, net P&L, exit reason and holding time (seed Feature 9)', () => {
    const a = positionClosedAlert({
      strategyId: 'smc',
      symbol: 'SOL',
      side: 'short',
      entryTs: Date.UTC(2026, 1, 8, 10, 0),
      exitTs: Date.UTC(2026, 1, 8, 13, 12),
      entryPrice: '101.5',
      exitPrice: '98.25',
      qty: '10',
      fees: '1.2',
      funding: '-0.3',
      pnl: '32.5',
      netPnl: '31.6',
      exitReason: 'take_profit',
    });
    expect(a.urgent).toBe(false);
    expect(a.rateKey).toBe('SOL');
    expect(renderAlertText(a).split('\n')).toEqual([
      '[POSITION_CLOSED] SOL SHORT closed ✅ +$31.60',
      'Entry 101.5 → exit 98.25, size 10',
      'Net P&L +$31.60 (gross +$32.50, fees $1.20, funding -$0.30)',
      'Exit: take_profit · held 3h 12m',
    ]);
    expect(a.fields).toMatchObject({ net_pnl: '31.6', exit_reason: 'take_profit', holding_ms: 11_520_000 });
  });

  it('NEW_POSITION shows size, entry, notional, stop and TPs', () => {
    const a = newPositionAlert({
      symbol: 'BTC',
      side: 'long',
      qty: new Decimal('0.0123'),
      entryPrice: new Decimal('60000'),
      stopPrice: new Decimal('58800'),
      takeProfits: [new Decimal('61500'), null, new Decimal('64000')],
    });
    expect(renderAlertText(a).split('\n')).toEqual([
      '[NEW_POSITION] BTC LONG opened',
      'Size 0.0123 @ 60000 ($738.00)',
      'Stop 58800',
      'TPs 61500 / 64000',
    ]);
  });

  it('DAILY_SUMMARY lists equity, margin, trades, win rate, daily P&L and open positions (seed Feature 8)', () => {
    const a = dailySummaryAlert({
      at: Date.UTC(2026, 1, 9),
      equity: new Decimal('10250.4'),
      marginUtilization: 0.312,
      trades: 4,
      wins: 3,
      losses: 1,
      winRate: 0.75,
      dailyPnl: new Decimal('-12.345'),
      positions: [{ symbol: 'ETH', side: 'short', unrealizedPnl: new Decimal('8') }],
    });
    expect(renderAlertText(a).split('\n')).toEqual([
      '[DAILY_SUMMARY] Daily summary 2026-02-09 00:00 UTC',
      'Equity $10,250.40 · margin used 31.2%',
      'Trades (24 h): 4 · 3W / 1L · win rate 75%',
      'Daily P&L -$12.35',
      'Open positions (1, uPnL +$8.00):',
      '  ETH short +$8.00',
    ]);
  });

  it('formats money, percentages and durations', () => {
    expect(fmtUsd('1234567.891')).toBe('$1,234,567.89');
    expect(fmtUsd('-0.004', true)).toBe('$0.00');
    expect(fmtUsd('5', true)).toBe('+$5.00');
    expect(fmtPct(0.0167, 2, true)).toBe('+1.67%');
    expect(fmtDuration(59 * 60_000)).toBe('59m');
    expect(fmtDuration(50 * 3_600_000)).toBe('2d 2h');
  });
});
