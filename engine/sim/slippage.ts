import type { Decimal } from 'decimal.js';
import type { Instrument, Side } from '../broker.ts';
import { asSim, dec } from './decimal.ts';
import { roundAgainst } from './quantize.ts';

/**
 * How far a taker fill lands from the reference price. Applied to market orders, triggered stops and
 * take-profits, and limit orders that are marketable on arrival (capped at their limit) — never to maker
 * fills, which execute at their own limit price.
 */
export interface SlippageModel {
  /** The fill price for a taker `side` order referenced at `price` (always against the trader). */
  apply(side: Side, price: Decimal, instrument: Instrument): Decimal;
}

/**
 * A fixed number of basis points against the trader: buys pay `price × (1 + bps/10⁴)`, sells receive
 * `price × (1 − bps/10⁴)`, then the price goes to the next tick on the trader's losing side. With 0 bps
 * the reference price is returned unchanged (no tick rounding of market data).
 */
export class BpsSlippage implements SlippageModel {
  private readonly up: Decimal;
  private readonly down: Decimal;
  readonly bps: number;
  constructor(bps: number) {
    if (!(bps >= 0)) throw new Error(`slippage bps must be >= 0, got ${bps}`);
    this.bps = bps;
    const f = dec(bps).div(10_000);
    this.up = dec(1).plus(f);
    this.down = dec(1).minus(f);
  }
  apply(side: Side, price: Decimal, instrument: Instrument): Decimal {
    if (this.bps === 0) return price;
    const moved = asSim(price).mul(side === 'buy' ? this.up : this.down);
    return roundAgainst(moved, instrument.tickSize, side);
  }
}
