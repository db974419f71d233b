import type { Decimal } from 'decimal.js';
import { asSim, dec } from './decimal.ts';

/** Trading fee rates as fractions of notional (0.0005 = 0.05%). */
export interface FeeRates {
  maker: number;
  taker: number;
}

/** Kraken Futures' entry tier (ccxt `krakenfutures` fees.trading, support article "Transaction fees"). */
export const KRAKEN_FUTURES_FEES: Readonly<FeeRates> = { maker: 0.0002, taker: 0.0005 };

/** Fee of one fill: notional × rate, unrounded (Kraken Futures books fees to many decimals). */
export class FeeModel {
  private readonly maker: Decimal;
  private readonly taker: Decimal;
  constructor(rates: FeeRates = KRAKEN_FUTURES_FEES) {
    this.maker = dec(rates.maker);
    this.taker = dec(rates.taker);
  }
  rate(liquidity: 'maker' | 'taker'): Decimal {
    return liquidity === 'maker' ? this.maker : this.taker;
  }
  fee(qty: Decimal, price: Decimal, liquidity: 'maker' | 'taker'): Decimal {
    return asSim(qty)
      .mul(price)
      .mul(liquidity === 'maker' ? this.maker : this.taker);
  }
}
