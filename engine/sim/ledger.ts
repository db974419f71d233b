import type { Decimal } from 'decimal.js';
import type { Side, Symbol as SymbolId } from '../broker.ts';
import { asSim, dec, ENTRY_PRICE_DP, toNumberExact, ZERO } from './decimal.ts';

/**
 * One symbol's net position in the ledger (Kraken Futures nets each contract into one position).
 * `qty` is signed (long > 0). `qtyF`/`entryF` are float shadows for the per-bar hot path (liquidation and
 * equity checks without allocating Decimals); the Decimal fields are the truth.
 */
export interface LedgerPosition {
  readonly symbol: SymbolId;
  /** Creation order of this symbol's slot (0, 1, …): lets the owner index per-symbol data by array. */
  readonly slot: number;
  qty: Decimal;
  /** Average entry price, kept to {@link ENTRY_PRICE_DP} decimal places; 0 when flat. */
  entry: Decimal;
  qtyF: number;
  entryF: number;
  realisedPnl: Decimal;
  fees: Decimal;
  /** Net funding paid on this symbol (negative when received). */
  fundingPaid: Decimal;
}

/** What a fill did to the position. */
export interface FillEffect {
  realised: Decimal;
  /** Signed position before and after. */
  before: Decimal;
  after: Decimal;
}

/**
 * The account's money, exact (decimal.js). Invariant, checked by property tests:
 * `balance − initialBalance = realisedPnl − fees − fundingPaid` after every operation.
 */
export class Ledger {
  readonly initialBalance: Decimal;
  balance: Decimal;
  realisedPnl: Decimal = ZERO;
  fees: Decimal = ZERO;
  /** Net funding paid (negative when more was received than paid). */
  fundingPaid: Decimal = ZERO;
  /** Float shadow of `balance`. */
  balanceF: number;
  /** Bumped by every booking (fill, funding): float figures derived from the ledger alone stay valid while it stands. */
  revision = 0;
  private readonly bySymbol = new Map<SymbolId, LedgerPosition>();
  /**
   * The one slot every booking so far went to (undefined before the first, null once a second slot has
   * booked). While it stands, that slot's realised P&L, fees and funding have summed the same sequence
   * from zero as the account's, so they share the account's values instead of adding them again.
   */
  private sole: LedgerPosition | null | undefined = undefined;
  /** Positions with a non-zero quantity, in the order they were opened. */
  readonly open: LedgerPosition[] = [];

  constructor(initialBalance: Decimal.Value) {
    this.initialBalance = dec(initialBalance);
    this.balance = this.initialBalance;
    this.balanceF = toNumberExact(this.balance);
  }

  position(symbol: SymbolId): LedgerPosition | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Signed quantity (0 when flat or unknown). */
  signedQty(symbol: SymbolId): Decimal {
    return this.bySymbol.get(symbol)?.qty ?? ZERO;
  }

  /** The symbol's position slot, created flat on first use (a flat slot reads as no position). */
  slotOf(symbol: SymbolId): LedgerPosition {
    let p = this.bySymbol.get(symbol);
    if (!p) {
      p = {
        symbol,
        slot: this.bySymbol.size,
        qty: ZERO,
        entry: ZERO,
        qtyF: 0,
        entryF: 0,
        realisedPnl: ZERO,
        fees: ZERO,
        fundingPaid: ZERO,
      };
      this.bySymbol.set(symbol, p);
    }
    return p;
  }

  /**
   * Books a fill: position, average entry, realised P&L on the reduced part, fee. `qtyF` and `priceF` are
   * the fill quantity and price as floats when the caller has them (each must equal the Decimal's
   * `toNumber()`; NaN = convert here): they save Decimal→number conversions on the hot path.
   */
  applyFill(
    symbol: SymbolId,
    side: Side,
    qty: Decimal,
    price: Decimal,
    fee: Decimal,
    qtyF: number = toNumberExact(qty),
    priceF: number = Number.NaN,
  ): FillEffect {
    const p = this.slotOf(symbol);
    this.revision++;
    const q = asSim(qty);
    const before = p.qty;
    const buy = side === 'buy';
    const after = buy ? before.plus(q) : before.minus(q);
    let realised = ZERO;
    if (before.isZero()) {
      p.entry = asSim(price);
      p.entryF = Number.isNaN(priceF) ? toNumberExact(p.entry) : priceF;
    } else if (before.isNegative() !== buy) {
      // Adding: volume-weighted average entry, kept to ENTRY_PRICE_DP places.
      const held = before.abs();
      p.entry = held.mul(p.entry).plus(q.mul(price)).div(after.abs()).toDecimalPlaces(ENTRY_PRICE_DP);
      p.entryF = toNumberExact(p.entry);
    } else {
      const held = before.abs();
      const closing = held.lt(q) ? held : q;
      realised = before.isNegative()
        ? closing.mul(p.entry.minus(price))
        : closing.mul(asSim(price).minus(p.entry));
      if (after.isZero()) {
        p.entry = ZERO;
        p.entryF = 0;
      } else if (after.isNegative() !== before.isNegative()) {
        p.entry = asSim(price); // flipped: the rest opened at this price
        p.entryF = Number.isNaN(priceF) ? toNumberExact(p.entry) : priceF;
      }
    }
    p.qty = after;
    // The float shadow moves by the fill; exact zero when flat so "has a position" checks never drift.
    p.qtyF = after.isZero() ? 0 : buy ? p.qtyF + qtyF : p.qtyF - qtyF;
    const alone = this.bookingOn(p);
    if (!realised.isZero()) {
      this.realisedPnl = this.realisedPnl.plus(realised);
      p.realisedPnl = alone ? this.realisedPnl : p.realisedPnl.plus(realised);
      this.balance = this.balance.plus(realised);
    }
    if (!fee.isZero()) {
      this.fees = this.fees.plus(fee);
      p.fees = alone ? this.fees : p.fees.plus(fee);
      this.balance = this.balance.minus(fee);
    }
    this.balanceF = toNumberExact(this.balance);
    this.trackOpen(p, before);
    return { realised, before, after };
  }

  /** Books a funding payment: `amount` is the signed effect on the balance (negative = paid). */
  applyFunding(symbol: SymbolId, amount: Decimal): void {
    const p = this.slotOf(symbol);
    this.revision++;
    const alone = this.bookingOn(p);
    this.fundingPaid = this.fundingPaid.minus(amount);
    p.fundingPaid = alone ? this.fundingPaid : p.fundingPaid.minus(amount);
    this.balance = this.balance.plus(amount);
    this.balanceF = toNumberExact(this.balance);
  }

  /** Notes a booking on `p`; true while every booking so far was on `p` (see {@link sole}). */
  private bookingOn(p: LedgerPosition): boolean {
    if (this.sole === undefined) this.sole = p;
    else if (this.sole !== p) this.sole = null;
    return this.sole === p;
  }

  private trackOpen(p: LedgerPosition, before: Decimal): void {
    const wasOpen = !before.isZero();
    const isOpen = !p.qty.isZero();
    if (wasOpen === isOpen) return;
    if (isOpen) this.open.push(p);
    else this.open.splice(this.open.indexOf(p), 1);
  }
}
