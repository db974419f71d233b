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
 * Exact values of records built in this thread (engine/trader/trade-builder.ts registers each record it
 * makes), so {@link tradeStats} need not parse the strings it was just given. A record that crossed a
 * worker boundary or was read from disk is not found and is parsed; one whose strings were edited since
 * no longer matches and is parsed too. The values are the same either way, so are the statistics.
 */
const exactValues = new WeakMap<TradeRecord, { exact: TradeExact; strings: readonly string[] }>();

/** Remembers the exact values behind `t`'s strings (each string must be that Decimal's `toFixed()`). */
export function registerTradeExact(t: TradeRecord, exact: TradeExact): void {
  exactValues.set(t, { exact, strings: [t.pnl, t.netPnl, t.fees, t.funding] });
}

function exactOf(t: TradeRecord): TradeExact | undefined {
  const e = exactValues.get(t);
  if (e === undefined) return undefined;
  const s = e.strings;
  return s[0] === t.pnl && s[1] === t.netPnl && s[2] === t.fees && s[3] === t.funding ? e.exact : undefined;
}

type Groups = Record<string, { count: number; wins: number; net: Decimal }>;

function addToGroup(groups: Groups, key: string, isWin: boolean, tNet: Decimal): void {
  let g = groups[key];
  if (g === undefined) {
    g = { count: 0, wins: 0, net: new Decimal(0) };
    groups[key] = g;
  }
  g.count++;
  if (isWin) g.wins++;
  g.net = g.net.plus(tNet);
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

  for (const t of trades) {
    // The sums keep decimal.js's default 20 digits (the left operand's precision), whichever form the
    // right operand arrives in.
    const x = exactOf(t);
    const tNet = x?.netPnl ?? new Decimal(t.netPnl);
    gross = gross.plus(x?.pnl ?? t.pnl);
    net = net.plus(tNet);
    fees = fees.plus(x?.fees ?? t.fees);
    funding = funding.plus(x?.funding ?? t.funding);
    const isOpen = t.exitReason === OPEN_EXIT_REASON;
    const isWin = !isOpen && tNet.gt(0);
    if (!isOpen) {
      closed++;
      closedNet = closedNet.plus(tNet);
      holdSum += t.exitTs - t.entryTs;
      if (isWin) {
        wins++;
        winSum = winSum.plus(tNet);
      } else if (tNet.lt(0)) {
        losses++;
        lossSum = lossSum.plus(tNet);
      }
    }
    addToGroup(byExitReason, t.exitReason, isWin, tNet);
    addToGroup(bySymbol, t.symbol, isWin, tNet);
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
