import type { Decimal } from 'decimal.js';
import type { Fill, Symbol as SymbolId } from '../broker.ts';
import type { TradeRecord } from '../metrics/trade-record.ts';
import { OPEN_EXIT_REASON, withTradeExact } from '../metrics/trade-stats.ts';
import { dec, ZERO } from '../risk/quantize.ts';
import { fixedText } from './decimal-text.ts';
import { FeeSplitter } from './fee-split.ts';

/**
 * Decimal places of a position's running average entry price. The same convention as the simulator's
 * ledger (engine/sim/ledger.ts) and Kraken's net-position accounting: realised P&L on a reducing fill is
 * closed qty × (price − average entry). Keeping the same rounding makes Σ trade P&L equal the ledger's
 * realised P&L to the last digit, so `final equity = start + Σ pnl − Σ fees − Σ funding` holds exactly.
 */
export const AVG_ENTRY_DP = 10;

/**
 * `x` as a Decimal whose arithmetic keeps ≥ 40 significant digits (decimal.js takes the precision from
 * the left operand's constructor). The simulator's and the trading core's Decimals already do; only
 * others (a venue adapter's plain Decimal) are copied, so the common case allocates nothing.
 */
function wide(x: Decimal): Decimal {
  return (x.constructor as typeof Decimal).precision >= 40 ? x : dec(x);
}

/**
 * `acc + x`, skipping the addition when `acc` is zero and `x` a finite non-zero value of at most 35
 * significant digits (5 words): the 40-digit sum would be a copy of `x`, digit for digit.
 */
function add(acc: Decimal, x: Decimal): Decimal {
  return acc.isZero() && !x.isZero() && x.isFinite() && x.d.length <= 5 ? x : acc.plus(x);
}

interface OpenTrade {
  strategyId: string;
  symbol: SymbolId;
  side: 'long' | 'short';
  entryTs: number;
  /** Signed quantity held now. */
  qty: Decimal;
  avgEntry: Decimal;
  maxQty: Decimal;
  entryQty: Decimal;
  /** Σ qty × price of the entry fills; null while there is one (it is then entryQty × soleEntryPrice). */
  entryNotional: Decimal | null;
  exitQty: Decimal;
  /** Σ qty × price of the exit fills; null while there is at most one (see {@link exitNotionalOf}). */
  exitNotional: Decimal | null;
  /** Price of the only entry / exit fill, null once there are several (then the average is computed). */
  soleEntryPrice: Decimal | null;
  soleExitPrice: Decimal | null;
  exitFills: number;
  fees: Decimal;
  funding: Decimal;
  pnl: Decimal;
}

/**
 * Folds fills and funding payments into round-trip trades, per symbol: a trade opens when the position
 * leaves zero and closes when it returns to zero; a fill that flips the position closes one trade and
 * opens the next with the remainder (its fee split in proportion). Partial exits (TP1, TP2) stay inside
 * their trade. The exit reason is the one given with the fill that closed it.
 */
export class TradeBuilder {
  private readonly open = new Map<SymbolId, OpenTrade>();
  readonly closed: TradeRecord[] = [];
  /** Funding booked while no trade of the symbol was open (should stay zero; reported, not hidden). */
  unattributedFunding: Decimal = ZERO;
  private readonly feeSplit = new FeeSplitter();

  /** The signed quantity the builder believes is held in `symbol`. */
  positionQty(symbol: SymbolId): Decimal {
    return this.open.get(symbol)?.qty ?? ZERO;
  }

  hasOpen(symbol: SymbolId): boolean {
    return this.open.has(symbol);
  }

  openSymbols(): SymbolId[] {
    return [...this.open.keys()];
  }

  /**
   * Books one fill. `strategyId` names the strategy a newly opened trade belongs to; `reason` is why
   * the fill happened (stop_loss, take_profit, signal_reverse, …), used when it closes the trade.
   */
  onFill(fill: Fill, strategyId: string, reason: string): void {
    const qty = wide(fill.qty);
    if (qty.isZero() || qty.isNegative()) return; // qty ≤ 0 without building a Decimal 0
    const price = wide(fill.price);
    const fee = wide(fill.fee);
    const signed = fill.side === 'buy' ? qty : qty.neg();
    let t = this.open.get(fill.symbol);
    if (t === undefined) {
      this.open.set(fill.symbol, this.start(fill, strategyId, signed, price, qty, fee));
      return;
    }
    if (t.qty.isNegative() === signed.isNegative()) {
      const after = t.qty.plus(signed);
      t.avgEntry = t.qty
        .abs()
        .mul(t.avgEntry)
        .plus(qty.mul(price))
        .div(after.abs())
        .toDecimalPlaces(AVG_ENTRY_DP);
      t.qty = after;
      if (after.abs().gt(t.maxQty)) t.maxQty = after.abs();
      t.entryNotional = entryNotionalOf(t).plus(qty.mul(price));
      t.entryQty = t.entryQty.plus(qty);
      t.soleEntryPrice = null;
      t.fees = t.fees.plus(fee);
      return;
    }
    const held = t.qty.abs();
    // −1: the fill flips the position, 0: closes it, 1: reduces it.
    const order = held.cmp(qty);
    const closing = order < 0 ? held : qty;
    let realised = closing.mul(price.minus(t.avgEntry));
    if (t.qty.isNegative()) realised = realised.neg();
    const closingFee = order >= 0 ? fee : this.feeSplit.split(fee, closing, qty, price, fill.liquidity);
    t.pnl = add(t.pnl, realised);
    t.fees = t.fees.plus(closingFee);
    // The first exit's notional is exitQty × soleExitPrice: computed only if a second exit comes.
    if (t.exitFills > 0) t.exitNotional = exitNotionalOf(t).plus(closing.mul(price));
    t.exitQty = add(t.exitQty, closing);
    t.exitFills++;
    t.soleExitPrice = t.exitFills === 1 ? price : null;
    if (order > 0) {
      t.qty = t.qty.plus(signed);
      return;
    }
    // Closed (the position is back to zero) or flipped (the rest of the fill opens the next trade).
    this.closed.push(this.record(t, fill.ts, price, reason));
    this.open.delete(fill.symbol);
    if (order < 0) {
      const rest = qty.minus(closing);
      t = this.start(
        fill,
        strategyId,
        fill.side === 'buy' ? rest : rest.neg(),
        price,
        rest,
        fee.minus(closingFee),
      );
      this.open.set(fill.symbol, t);
    }
  }

  /** Books a funding payment; `amount` is its signed effect on the balance (negative = paid). */
  onFunding(symbol: SymbolId, amount: Decimal): void {
    const t = this.open.get(symbol);
    if (t === undefined) {
      this.unattributedFunding = this.unattributedFunding.minus(amount);
      return;
    }
    t.funding = t.funding.minus(amount);
  }

  /**
   * Every trade: the closed ones, then those still open marked to `mark(symbol)` at `ts` with exit
   * reason `open` (unrealised P&L, no exit fee), in symbol order.
   */
  allTrades(ts: number, mark: (symbol: SymbolId) => Decimal): TradeRecord[] {
    const out = [...this.closed];
    for (const symbol of [...this.open.keys()].sort()) {
      const t = this.open.get(symbol);
      if (t === undefined) continue;
      const m = dec(mark(symbol));
      let unrealised = t.qty.abs().mul(m.minus(t.avgEntry));
      if (t.qty.isNegative()) unrealised = unrealised.neg();
      const snapshot: OpenTrade = {
        ...t,
        pnl: t.pnl.plus(unrealised),
        exitQty: t.exitQty.plus(t.qty.abs()),
        exitNotional: exitNotionalOf(t).plus(t.qty.abs().mul(m)),
        exitFills: t.exitFills + 1,
        soleExitPrice: t.exitFills === 0 ? m : null,
      };
      out.push(this.record(snapshot, ts, m, OPEN_EXIT_REASON));
    }
    return out;
  }

  private start(
    fill: Fill,
    strategyId: string,
    signed: Decimal,
    price: Decimal,
    qty: Decimal,
    fee: Decimal,
  ): OpenTrade {
    return {
      strategyId,
      symbol: fill.symbol,
      side: signed.isNegative() ? 'short' : 'long',
      entryTs: fill.ts,
      qty: signed,
      avgEntry: price,
      maxQty: qty,
      entryQty: qty,
      entryNotional: null,
      exitQty: ZERO,
      exitNotional: null,
      soleEntryPrice: price,
      soleExitPrice: null,
      exitFills: 0,
      fees: fee,
      funding: ZERO,
      pnl: ZERO,
    };
  }

  private record(t: OpenTrade, exitTs: number, lastPrice: Decimal, reason: string): TradeRecord {
    // A single fill's price is the average already: the common case needs no division.
    const exitPrice =
      t.soleExitPrice ??
      (t.exitQty.isZero() ? lastPrice : exitNotionalOf(t).div(t.exitQty).toDecimalPlaces(AVG_ENTRY_DP));
    const entryPrice = t.soleEntryPrice ?? entryNotionalOf(t).div(t.entryQty).toDecimalPlaces(AVG_ENTRY_DP);
    // Subtracting a zero funding would return the same digits: skip it.
    const netPnl = t.funding.isZero() ? t.pnl.minus(t.fees) : t.pnl.minus(t.fees).minus(t.funding);
    // The metrics sum the exact values: handing them over with the record saves parsing the strings back.
    return withTradeExact(
      {
        strategyId: t.strategyId,
        symbol: t.symbol,
        side: t.side,
        entryTs: t.entryTs,
        exitTs,
        entryPrice: fixedText(entryPrice),
        exitPrice: fixedText(exitPrice),
        qty: t.maxQty.toFixed(),
        fees: t.fees.toFixed(),
        funding: t.funding.toFixed(),
        pnl: t.pnl.toFixed(),
        netPnl: netPnl.toFixed(),
        exitReason: reason,
      },
      { pnl: t.pnl, netPnl, fees: t.fees, funding: t.funding },
    );
  }
}

/** Σ qty × price of a trade's entry fills. */
function entryNotionalOf(t: OpenTrade): Decimal {
  if (t.entryNotional !== null) return t.entryNotional;
  // One entry fill so far: its qty and price are entryQty and soleEntryPrice.
  return t.soleEntryPrice === null ? ZERO : t.entryQty.mul(t.soleEntryPrice);
}

/** Σ qty × price of a trade's exit fills. */
function exitNotionalOf(t: OpenTrade): Decimal {
  if (t.exitNotional !== null) return t.exitNotional;
  // At most one exit fill so far: ZERO + qty × price is that product, digit for digit.
  return t.exitFills === 0 || t.soleExitPrice === null ? ZERO : t.exitQty.mul(t.soleExitPrice);
}
