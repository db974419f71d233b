import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TradeRecord } from './trade-record.ts';
import { tradeStats, withTradeExact } from './trade-stats.ts';

const Wide = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * The statistics computed the plain way — every sum adds every one of its trades, in order, at decimal.js's
 * default 20 digits — as an independent check of the shortcuts tradeStats takes (group sums shared with
 * the running totals, zero funding skipped, exact values instead of parsed strings).
 */
function reference(trades: readonly TradeRecord[]) {
  const sum = (pick: (t: TradeRecord) => string, keep: (t: TradeRecord) => boolean = () => true) =>
    trades.filter(keep).reduce((acc, t) => acc.plus(pick(t)), new Decimal(0));
  const closed = (t: TradeRecord) => t.exitReason !== 'open';
  const win = (t: TradeRecord) => closed(t) && new Decimal(t.netPnl).gt(0);
  const loss = (t: TradeRecord) => closed(t) && new Decimal(t.netPnl).lt(0);
  const groups = (key: (t: TradeRecord) => string) =>
    Object.fromEntries(
      [...new Set(trades.map(key))].sort().map((k) => {
        const inGroup = (t: TradeRecord) => key(t) === k;
        return [
          k,
          {
            count: trades.filter(inGroup).length,
            wins: trades.filter((t) => inGroup(t) && win(t)).length,
            netPnl: sum((t) => t.netPnl, inGroup).toNumber(),
          },
        ];
      }),
    );
  const nClosed = trades.filter(closed).length;
  const nWins = trades.filter(win).length;
  const nLosses = trades.filter(loss).length;
  return {
    grossPnl: sum((t) => t.pnl).toNumber(),
    netPnl: sum((t) => t.netPnl).toNumber(),
    feesPaid: sum((t) => t.fees).toNumber(),
    fundingPaid: sum((t) => t.funding).toNumber(),
    expectancy:
      nClosed > 0
        ? sum((t) => t.netPnl, closed)
            .div(nClosed)
            .toNumber()
        : null,
    avgWin:
      nWins > 0
        ? sum((t) => t.netPnl, win)
            .div(nWins)
            .toNumber()
        : null,
    avgLoss:
      nLosses > 0
        ? sum((t) => t.netPnl, loss)
            .div(nLosses)
            .toNumber()
        : null,
    byExitReason: groups((t) => t.exitReason),
    bySymbol: groups((t) => t.symbol),
  };
}

/** A signed decimal string of up to 35 significant digits (the 20-digit sums must round). */
const money = fc
  .tuple(fc.bigInt({ min: -(10n ** 35n), max: 10n ** 35n }), fc.integer({ min: 0, max: 30 }))
  .map(([units, scale]) => new Wide(units.toString()).div(new Wide(10).pow(scale)).toFixed());

const tradeArb = fc
  .record({
    symbol: fc.constantFrom('BTC', 'ETH', 'SOL'),
    exitReason: fc.constantFrom('signal_reverse', 'stop_loss', 'take_profit', 'open'),
    pnl: money,
    fees: money,
    funding: fc.oneof(fc.constant('0'), money),
  })
  .map(({ symbol, exitReason, pnl, fees, funding }): TradeRecord => {
    const net = new Wide(pnl).minus(fees).minus(funding);
    return {
      strategyId: 's',
      symbol,
      side: 'long',
      entryTs: 0,
      exitTs: 3_600_000,
      entryPrice: '100',
      exitPrice: '101',
      qty: '1',
      fees,
      funding,
      pnl,
      netPnl: net.toFixed(),
      exitReason,
    };
  });

function withExact(t: TradeRecord): TradeRecord {
  return withTradeExact(t, {
    pnl: new Wide(t.pnl),
    netPnl: new Wide(t.netPnl),
    fees: new Wide(t.fees),
    funding: new Wide(t.funding),
  });
}

function comparable(s: ReturnType<typeof tradeStats>) {
  const { grossPnl, netPnl, feesPaid, fundingPaid, expectancy, avgWin, avgLoss, byExitReason, bySymbol } = s;
  return { grossPnl, netPnl, feesPaid, fundingPaid, expectancy, avgWin, avgLoss, byExitReason, bySymbol };
}

describe('tradeStats sums', () => {
  it('equal the plain 20-digit sums for any trade list (plain records and records with exact values)', () => {
    fc.assert(
      fc.property(fc.array(tradeArb, { maxLength: 30 }), (trades) => {
        const want = reference(trades);
        expect(comparable(tradeStats(trades))).toEqual(want);
        expect(comparable(tradeStats(trades.map(withExact)))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('a single group holding every trade gets the total, a closed-only group the closed total', () => {
    const trades = [
      withExact({ ...base('1.000000000000000000015'), exitReason: 'signal_reverse' }),
      withExact({ ...base('2.000000000000000000015'), exitReason: 'signal_reverse' }),
      withExact({ ...base('3.3'), exitReason: 'open' }),
    ];
    const s = tradeStats(trades);
    expect(s.bySymbol.BTC).toEqual({ count: 3, wins: 2, netPnl: s.netPnl });
    expect(s.byExitReason.signal_reverse.netPnl).toBe(
      new Decimal(0).plus('1.000000000000000000015').plus('2.000000000000000000015').toNumber(),
    );
    expect(s.byExitReason.open).toEqual({ count: 1, wins: 0, netPnl: 3.3 });
  });

  it('an exact value whose string was edited since is not used', () => {
    const t = withExact(base('5'));
    t.netPnl = '7';
    expect(tradeStats([t]).netPnl).toBe(7);
  });
});

function base(netPnl: string): TradeRecord {
  return {
    strategyId: 's',
    symbol: 'BTC',
    side: 'long',
    entryTs: 0,
    exitTs: 1,
    entryPrice: '1',
    exitPrice: '1',
    qty: '1',
    fees: '0',
    funding: '0',
    pnl: netPnl,
    netPnl,
    exitReason: 'signal_reverse',
  };
}
