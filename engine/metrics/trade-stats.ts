import { Decimal } from 'decimal.js';
import type { TradeRecord } from './trade-record.ts';

/** Per-group totals (by exit reason, by symbol). */
export interface GroupStats {
  /** Trades in the group, open ones included. */
  count: number;
  /** Closed trades with netPnl > 0. */
  wins: number;
  /** Σ netPnl of the group's trades (open ones marked to the last close). */
  netPnl: number;
}

/**
 * Statistics over the trade list. Conventions:
 * - A trade is a win when its net P&L (after fees and funding) is > 0; a loss when < 0; 0 is neither
 *   (it counts in the win-rate denominator).
 * - Win rate, profit factor, expectancy, averages and holding time use CLOSED trades only; a position
 *   still open at the end (exitReason `open`) counts in the groups, the fees, the funding and the net P&L.
 * - Profit factor = Σ winning net P&L / |Σ losing net P&L|; null when there is no losing trade.
 * - Expectancy = mean net P&L per closed trade, in account currency.
 * Sums run in decimal.js on the exact strings; results are numbers for tables and sweeps.
 */
export interface TradeStats {
  trades: number;
  closedTrades: number;
  openTrades: number;
  wins: number;
  losses: number;
  /** wins / closedTrades; null without closed trades. */
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  /** Mean of exitTs − entryTs over closed trades, in ms. */
  avgHoldMs: number | null;
  /** Σ gross P&L of every trade. */
  grossPnl: number;
  /** Σ net P&L of every trade. */
  netPnl: number;
  /** Commissions paid (all trades). */
  feesPaid: number;
  /** Funding paid (negative when received on balance). */
  fundingPaid: number;
  byExitReason: Record<string, GroupStats>;
  bySymbol: Record<string, GroupStats>;
}

export const OPEN_EXIT_REASON = 'open';

/** The exact values behind a trade record's money strings, as the code that built the record held them. */
export interface TradeExact {
  readonly pnl: Decimal;
  readonly netPnl: Decimal;
  readonly fees: Decimal;
  readonly funding: Decimal;
}

/**
 * Trade records built in this thread by engine/trader/trade-builder.ts carry the exact values behind their
 * money strings, so {@link tradeStats} need not parse the strings it was just given. A record that crossed
 * a worker boundary or was read from disk is a plain object and is parsed; one whose strings were edited
 * since no longer matches and is parsed too. The values are the same either way, so are the statistics.
 *
 * The values sit in a private field: invisible to JSON, structured clone, spreads and equality checks, and
 * free to attach (a WeakMap entry or a non-enumerable property costs more than the rest of the record).
 * The fields are declared in the order of {@link TradeRecord}, which is the order JSON writes them in.
 */
class ExactTradeRecord implements TradeRecord {
  strategyId: string;
  symbol: string;
  side: 'long' | 'short';
  entryTs: number;
  exitTs: number;
  entryPrice: string;
  exitPrice: string;
  qty: string;
  fees: string;
  funding: string;
  pnl: string;
  netPnl: string;
  exitReason: string;
  readonly #exact: TradeExact;
  // The strings the exact values were given for: a record edited since is parsed instead.
  readonly #pnlText: string;
  readonly #netPnlText: string;
  readonly #feesText: string;
  readonly #fundingText: string;

  constructor(r: TradeRecord, exact: TradeExact) {
    this.strategyId = r.strategyId;
    this.symbol = r.symbol;
    this.side = r.side;
    this.entryTs = r.entryTs;
    this.exitTs = r.exitTs;
    this.entryPrice = r.entryPrice;
    this.exitPrice = r.exitPrice;
    this.qty = r.qty;
    this.fees = r.fees;
    this.funding = r.funding;
    this.pnl = r.pnl;
    this.netPnl = r.netPnl;
    this.exitReason = r.exitReason;
    this.#exact = exact;
    this.#pnlText = r.pnl;
    this.#netPnlText = r.netPnl;
    this.#feesText = r.fees;
    this.#fundingText = r.funding;
  }

  static exactOf(t: TradeRecord): TradeExact | undefined {
    if (!(#exact in t)) return undefined;
    return t.#pnlText === t.pnl &&
      t.#netPnlText === t.netPnl &&
      t.#feesText === t.fees &&
      t.#fundingText === t.funding
      ? t.#exact
      : undefined;
  }
}

/**
 * The record `r` carrying the exact values behind its strings (each string must be that Decimal's
 * `toFixed()`): a copy of `r` with the same fields in the same order.
 */
export function withTradeExact(r: TradeRecord, exact: TradeExact): TradeRecord {
  return new ExactTradeRecord(r, exact);
}

function exactOf(t: TradeRecord): TradeExact | undefined {
  return ExactTradeRecord.exactOf(t);
}

interface Group {
  count: number;
  wins: number;
  net: Decimal;
}
type Groups = Record<string, Group>;

const ZERO20 = new Decimal(0);

/**
 * Adds a trade's net P&L to its group. A group that holds every trade seen so far (`all`) or every closed
 * one (`closed`, for a closed trade's exit-reason group) has summed the very same sequence from zero as
 * that running total, so it takes the total's value instead of adding again (decimal.js values are
 * immutable: sharing the object is sharing the value).
 */
function addToGroup(
  groups: Groups,
  key: string,
  isWin: boolean,
  tNet: Decimal,
  all: { before: number; sum: Decimal },
  closed: { before: number; sum: Decimal } | null,
): void {
  let g = groups[key];
  if (g === undefined) {
    g = { count: 0, wins: 0, net: ZERO20 };
    groups[key] = g;
  }
  if (g.count === all.before) g.net = all.sum;
  else if (closed !== null && g.count === closed.before) g.net = closed.sum;
  else g.net = g.net.plus(tNet);
  g.count++;
  if (isWin) g.wins++;
}

export function tradeStats(trades: readonly TradeRecord[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let closed = 0;
  let winSum = new Decimal(0);
  let lossSum = new Decimal(0);
  let closedNet = new Decimal(0);
  let gross = new Decimal(0);
  let net = new Decimal(0);
  let fees = new Decimal(0);
  let funding = new Decimal(0);
  let holdSum = 0;
  const byExitReason: Groups = {};
  const bySymbol: Groups = {};
  const all = { before: 0, sum: net };
  const closedRun = { before: 0, sum: closedNet };

  for (let i = 0; i < trades.length; i++) {
    const t = trades[i];
    // The sums keep decimal.js's default 20 digits (the left operand's precision), whichever form the
    // right operand arrives in.
    const x = exactOf(t);
    const tNet = x?.netPnl ?? new Decimal(t.netPnl);
    gross = gross.plus(x?.pnl ?? t.pnl);
    // While no open trade has come, the closed trades are every trade: both sums are one sequence.
    const sameSequence = closed === i;
    net = net.plus(tNet);
    fees = fees.plus(x?.fees ?? t.fees);
    // Adding zero to a sum already rounded to the precision returns the same value: skip it (funding is
    // zero in most backtests).
    const f = x?.funding ?? new Decimal(t.funding);
    if (!f.isZero()) funding = funding.plus(f);
    const isOpen = t.exitReason === OPEN_EXIT_REASON;
    const isWin = !isOpen && tNet.gt(0);
    all.sum = net;
    if (!isOpen) {
      closed++;
      closedNet = sameSequence ? net : closedNet.plus(tNet);
      holdSum += t.exitTs - t.entryTs;
      if (isWin) {
        wins++;
        winSum = winSum.plus(tNet);
      } else if (tNet.lt(0)) {
        losses++;
        lossSum = lossSum.plus(tNet);
      }
      closedRun.sum = closedNet;
    }
    addToGroup(byExitReason, t.exitReason, isWin, tNet, all, isOpen ? null : closedRun);
    addToGroup(bySymbol, t.symbol, isWin, tNet, all, null);
    all.before = i + 1;
    closedRun.before = closed;
  }

  const finish = (groups: Groups) =>
    Object.fromEntries(
      Object.keys(groups)
        .sort()
        .map((k) => [k, { count: groups[k].count, wins: groups[k].wins, netPnl: groups[k].net.toNumber() }]),
    );

  return {
    trades: trades.length,
    closedTrades: closed,
    openTrades: trades.length - closed,
    wins,
    losses,
    winRate: closed > 0 ? wins / closed : null,
    profitFactor: losses > 0 ? winSum.div(lossSum.abs()).toNumber() : null,
    expectancy: closed > 0 ? closedNet.div(closed).toNumber() : null,
    avgWin: wins > 0 ? winSum.div(wins).toNumber() : null,
    avgLoss: losses > 0 ? lossSum.div(losses).toNumber() : null,
    avgHoldMs: closed > 0 ? holdSum / closed : null,
    grossPnl: gross.toNumber(),
    netPnl: net.toNumber(),
    feesPaid: fees.toNumber(),
    fundingPaid: funding.toNumber(),
    byExitReason: finish(byExitReason),
    bySymbol: finish(bySymbol),
  };
}
