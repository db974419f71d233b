import { Decimal } from 'decimal.js';
import type { Account, Position } from '../../engine/broker.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { CycleReport } from './cycle.ts';
import type { ClosedTradesReader, OpsDataSource, OpsPosition, OpsStatus } from './data-source.ts';

const ZERO = new Decimal(0);
/** Trades kept in memory when no store reader is given. */
const MEMORY_TRADES = 500;

/**
 * An {@link OpsDataSource} kept from the runner's cycle reports: `/status` and `/positions` answer from
 * the last account and positions the loop itself read, so a Telegram command never sends an exchange
 * request of its own (concurrent private requests would also race Kraken's nonce). Closed trades come
 * from `trades` (the live store) when given, else from the trades recorded in this process.
 */
export class OpsState implements OpsDataSource {
  private last: CycleReport | null = null;
  private account: Account | null = null;
  private exchangePositions: readonly Position[] = [];
  private lastReconciliationAt: number | null = null;
  private readonly memoryTrades: TradeRecord[] = [];

  constructor(private readonly trades?: ClosedTradesReader) {}

  update(r: CycleReport): void {
    this.last = r;
    if (r.account !== undefined) this.account = r.account;
    if (r.exchangePositions !== undefined) this.exchangePositions = r.exchangePositions;
    if (r.lastReconciliationAt !== undefined && r.lastReconciliationAt !== null) {
      this.lastReconciliationAt = r.lastReconciliationAt;
    }
  }

  /** The account as the loop last read it (observed on the broker, see observe.ts). */
  observeAccount(a: Account): void {
    this.account = a;
  }

  /** The exchange positions as the loop last read them. */
  observePositions(ps: readonly Position[]): void {
    this.exchangePositions = ps;
  }

  noteReconciliation(at: number): void {
    this.lastReconciliationAt = at;
  }

  /** Last account seen (null before the first). */
  lastAccount(): Account | null {
    return this.account;
  }

  recordTrade(t: TradeRecord): void {
    this.memoryTrades.push(t);
    if (this.memoryTrades.length > MEMORY_TRADES) this.memoryTrades.shift();
  }

  async status(): Promise<OpsStatus> {
    const a = this.account;
    const upnl = this.exchangePositions.reduce((acc, p) => acc.plus(p.unrealizedPnl), ZERO);
    return {
      equity: a?.equity ?? ZERO,
      marginUsed: a?.marginUsed ?? ZERO,
      marginUtilization: a?.marginUtilization ?? 0,
      unrealizedPnl: upnl,
      systemState: this.last?.systemState ?? 'NORMAL',
      haltReason: this.last?.haltReason ?? null,
      positions: this.last?.positions ?? 0,
      universe: this.last?.universe ?? 0,
      cycle: this.last?.cycle ?? 0,
      cooldownsActive: this.last?.cooldownsActive ?? 0,
      lastCycleAt: this.last?.at ?? null,
      lastReconciliationAt: this.lastReconciliationAt,
    };
  }

  async positions(): Promise<readonly OpsPosition[]> {
    return this.exchangePositions.map((p) => ({
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      markPrice: p.currentMarkPrice,
      leverage: p.leverage,
      unrealizedPnl: p.unrealizedPnl,
      margin: p.margin,
    }));
  }

  async recentTrades(limit: number): Promise<readonly TradeRecord[]> {
    if (this.trades) return this.trades.recentTrades(limit);
    return newestFirst(this.memoryTrades).slice(0, limit);
  }

  async tradesSince(ts: number): Promise<readonly TradeRecord[]> {
    if (this.trades) return this.trades.tradesSince(ts);
    return newestFirst(this.memoryTrades.filter((t) => t.exitTs >= ts));
  }
}

function newestFirst(ts: readonly TradeRecord[]): TradeRecord[] {
  return [...ts].sort((a, b) => b.exitTs - a.exitTs);
}
