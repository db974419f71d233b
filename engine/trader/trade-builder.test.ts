import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../broker.ts';
import type { TradeRecord } from '../metrics/trade-record.ts';
import { OPEN_EXIT_REASON } from '../metrics/trade-stats.ts';
import { dec, ZERO } from '../risk/quantize.ts';
import { AVG_ENTRY_DP, TradeBuilder } from './trade-builder.ts';

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

/**
 * The fold written plainly — every sum and product computed, no shortcut — as the builder was first
 * written. The builder skips work whose result it knows digit for digit; this is what it must equal.
 */
function referenceTrades(fills: readonly Fill[], funding: ReadonlyMap<number, Decimal>, end: number) {
  interface T {
    side: 'long' | 'short';
    entryTs: number;
    qty: Decimal;
    avg: Decimal;
    maxQty: Decimal;
    entryQty: Decimal;
    entryNotional: Decimal;
    exitQty: Decimal;
    exitNotional: Decimal;
    /** Price of the only entry / exit fill (the average needs no division then), null once several. */
    soleEntry: Decimal | null;
    soleExit: Decimal | null;
    exits: number;
    fees: Decimal;
    funding: Decimal;
    pnl: Decimal;
  }
  const closed: TradeRecord[] = [];
  let open: T | undefined;
  const record = (t: T, exitTs: number, last: Decimal, reason: string): TradeRecord => ({
    strategyId: 's',
    symbol: 'BTC',
    side: t.side,
    entryTs: t.entryTs,
    exitTs,
    entryPrice: (t.soleEntry ?? t.entryNotional.div(t.entryQty).toDecimalPlaces(AVG_ENTRY_DP)).toFixed(),
    exitPrice: (
      t.soleExit ?? (t.exitQty.isZero() ? last : t.exitNotional.div(t.exitQty).toDecimalPlaces(AVG_ENTRY_DP))
    ).toFixed(),
    qty: t.maxQty.toFixed(),
    fees: t.fees.toFixed(),
    funding: t.funding.toFixed(),
    pnl: t.pnl.toFixed(),
    netPnl: t.pnl.minus(t.fees).minus(t.funding).toFixed(),
    exitReason: reason,
  });
  const start = (ts: number, signed: Decimal, price: Decimal, qty: Decimal, fee: Decimal): T => ({
    side: signed.isNegative() ? 'short' : 'long',
    entryTs: ts,
    qty: signed,
    avg: price,
    maxQty: qty,
    entryQty: qty,
    entryNotional: qty.mul(price),
    exitQty: ZERO,
    exitNotional: ZERO,
    soleEntry: price,
    soleExit: null,
    exits: 0,
    fees: fee,
    funding: ZERO,
    pnl: ZERO,
  });
  fills.forEach((f, k) => {
    const qty = dec(f.qty);
    const price = dec(f.price);
    const fee = dec(f.fee);
    const signed = f.side === 'buy' ? qty : qty.neg();
    if (open === undefined) open = start(f.ts, signed, price, qty, fee);
    else if (open.qty.isNegative() === signed.isNegative()) {
      const after = open.qty.plus(signed);
      open.avg = open.qty
        .abs()
        .mul(open.avg)
        .plus(qty.mul(price))
        .div(after.abs())
        .toDecimalPlaces(AVG_ENTRY_DP);
      open.qty = after;
      if (after.abs().gt(open.maxQty)) open.maxQty = after.abs();
      open.entryQty = open.entryQty.plus(qty);
      open.entryNotional = open.entryNotional.plus(qty.mul(price));
      open.soleEntry = null;
      open.fees = open.fees.plus(fee);
    } else {
      const held = open.qty.abs();
      const closing = held.lt(qty) ? held : qty;
      let realised = closing.mul(price.minus(open.avg));
      if (open.qty.isNegative()) realised = realised.neg();
      const closingFee = closing.eq(qty) ? fee : fee.mul(closing).div(qty);
      open.pnl = open.pnl.plus(realised);
      open.fees = open.fees.plus(closingFee);
      open.exitQty = open.exitQty.plus(closing);
      open.exitNotional = open.exitNotional.plus(closing.mul(price));
      open.exits++;
      open.soleExit = open.exits === 1 ? price : null;
      open.qty = open.qty.plus(signed);
      if (open.qty.isZero() || open.qty.isNegative() !== (open.side === 'short')) {
        closed.push(record(open, f.ts, price, `r${k}`));
        const rest = qty.minus(closing);
        open = open.qty.isZero()
          ? undefined
          : start(f.ts, f.side === 'buy' ? rest : rest.neg(), price, rest, fee.minus(closingFee));
      }
    }
    const paid = funding.get(k);
    if (paid !== undefined && open !== undefined) open.funding = open.funding.minus(paid);
  });
  const all = [...closed];
  if (open !== undefined) {
    const m = dec('101.5');
    let unrealised = open.qty.abs().mul(m.minus(open.avg));
    if (open.qty.isNegative()) unrealised = unrealised.neg();
    all.push(
      record(
        {
          ...open,
          pnl: open.pnl.plus(unrealised),
          exitQty: open.exitQty.plus(open.qty.abs()),
          exitNotional: open.exitNotional.plus(open.qty.abs().mul(m)),
          soleExit: open.exits === 0 ? m : null,
        },
        end,
        m,
        OPEN_EXIT_REASON,
      ),
    );
  }
  return all;
}

describe('TradeBuilder equals the plain fold digit for digit', () => {
  it('for random fill streams: entries, adds, partial exits, flips, funding', () => {
    const fillArb = fc.record({
      buy: fc.boolean(),
      // Quantities on a 1e-8 grid, prices with float-like digits, fees of the simulator's shape.
      qty: fc.integer({ min: 1, max: 300_000_000 }),
      price: fc.double({ min: 50, max: 200, noNaN: true }),
      funding: fc.option(fc.double({ min: -2, max: 2, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), (specs) => {
        const fills: Fill[] = [];
        const funding = new Map<number, Decimal>();
        const b = new TradeBuilder();
        specs.forEach((x, k) => {
          const qty = dec(x.qty).div(1e8);
          const price = dec(x.price);
          const f: Fill = {
            id: `f${k}`,
            orderId: `o${k}`,
            clientId: `c${k}`,
            symbol: 'BTC',
            side: x.buy ? 'buy' : 'sell',
            qty,
            price,
            fee: qty.mul(price).mul(dec('0.0005')),
            liquidity: 'taker',
            reduceOnly: false,
            ts: k,
          };
          fills.push(f);
          b.onFill(f, 's', `r${k}`);
          if (x.funding !== undefined) {
            const amount = dec(x.funding);
            funding.set(k, amount);
            b.onFunding('BTC', amount);
          }
        });
        const expected = referenceTrades(fills, funding, 99);
        const got = b.allTrades(99, () => dec('101.5'));
        expect(got).toEqual(expected);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
