import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../broker.ts';
import { TradeBuilder } from './trade-builder.ts';

let n = 0;
function fill(
  side: 'buy' | 'sell',
  qty: string,
  price: string,
  fee: string,
  ts: number,
  symbol = 'BTC',
): Fill {
  n++;
  return {
    id: `f${n}`,
    orderId: `o${n}`,
    clientId: `c${n}`,
    symbol,
    side,
    qty: new Decimal(qty),
    price: new Decimal(price),
    fee: new Decimal(fee),
    liquidity: 'taker',
    reduceOnly: false,
    ts,
  };
}

describe('TradeBuilder', () => {
  it('folds partial exits into one trade with the average exit price and the last reason', () => {
    const b = new TradeBuilder();
    b.onFill(fill('buy', '2', '100', '0.1', 1), 'smc', 'entry');
    b.onFill(fill('sell', '1', '110', '0.05', 2), 'smc', 'take_profit');
    expect(b.closed).toHaveLength(0);
    b.onFill(fill('sell', '1', '100', '0.05', 3), 'smc', 'stop_loss');
    expect(b.closed).toEqual([
      {
        strategyId: 'smc',
        symbol: 'BTC',
        side: 'long',
        entryTs: 1,
        exitTs: 3,
        entryPrice: '100',
        exitPrice: '105',
        qty: '2',
        fees: '0.2',
        funding: '0',
        pnl: '10',
        netPnl: '9.8',
        exitReason: 'stop_loss',
      },
    ]);
  });

  it('a flipping fill closes the trade and opens the opposite one, splitting the fee', () => {
    const b = new TradeBuilder();
    b.onFill(fill('buy', '1', '100', '0.05', 1), 'ema', 'entry');
    b.onFill(fill('sell', '3', '90', '0.3', 2), 'ema', 'signal_reverse');
    expect(b.closed).toHaveLength(1);
    expect(b.closed[0]).toMatchObject({
      side: 'long',
      pnl: '-10',
      fees: '0.15',
      exitReason: 'signal_reverse',
    });
    expect(b.positionQty('BTC').toFixed()).toBe('-2');
    b.onFunding('BTC', new Decimal('-0.4'));
    const all = b.allTrades(5, () => new Decimal('80'));
    expect(all[1]).toMatchObject({
      side: 'short',
      entryTs: 2,
      exitTs: 5,
      entryPrice: '90',
      exitPrice: '80',
      qty: '2',
      fees: '0.2',
      funding: '0.4',
      pnl: '20',
      netPnl: '19.4',
      exitReason: 'open',
    });
  });

  it('adds to a position at the volume-weighted average entry', () => {
    const b = new TradeBuilder();
    b.onFill(fill('sell', '1', '100', '0', 1), 's', 'entry');
    b.onFill(fill('sell', '2', '103', '0', 2), 's', 'entry');
    b.onFill(fill('buy', '3', '101', '0', 3), 's', 'take_profit');
    // Average entry 102, exit 101 on 3 units short: +3.
    expect(b.closed[0]).toMatchObject({ side: 'short', entryPrice: '102', qty: '3', pnl: '3' });
  });
});
