import type { Symbol as SymbolId } from '../broker.ts';
import type { RiskManager } from '../risk/risk-manager.ts';
import type { ApprovedTrade, PendingExposure, RiskContext, TradeCandidate } from '../risk/types.ts';
import type { AuctionAllocator, AuctionResult } from './auction-allocator.ts';

/**
 * The "auction → risk" part of a tick: which of this tick's signals become entry orders, and how big.
 *
 * 0. One signal per symbol: the best score.
 * 1. Cooldown: each fired signal passes `RiskManager.admitSignal` once (seed §3b Feature 2).
 * 2. Sizing: `RiskManager.evaluate` sizes each signal alone (risk per trade, every gate and cap); a
 *    rejected signal does not bid.
 * 3. Auction: bids (score, margin asked) compete for the margin budget left by the open positions.
 * 4. Final check: winners are evaluated again in auction order with their grant as notional override and
 *    the entries approved before them as pending exposure, so the aggregate caps see the whole tick.
 */

export type PlanStage = 'cooldown' | 'sizing' | 'auction' | 'final';

export interface PlanRejection {
  readonly candidate: TradeCandidate;
  readonly stage: PlanStage;
  readonly reason: string;
  readonly detail: string;
}

export interface EntryPlan {
  /** In auction order; each becomes one entry order. */
  readonly accepted: readonly ApprovedTrade[];
  readonly rejected: readonly PlanRejection[];
  readonly auction: AuctionResult;
}

export interface PlanDeps {
  readonly risk: RiskManager;
  readonly auction: AuctionAllocator;
  readonly lastPartialCloseAt?: number | null;
}

export function planEntries(
  candidates: readonly TradeCandidate[],
  ctx: RiskContext,
  deps: PlanDeps,
): EntryPlan {
  const { risk, auction } = deps;
  const rejected: PlanRejection[] = [];
  const sized = new Map<SymbolId, { candidate: TradeCandidate; trade: ApprovedTrade }>();

  // One signal per symbol and tick: the best score (the first on a tie).
  const best = new Map<SymbolId, TradeCandidate>();
  for (const c of candidates) {
    const prev = best.get(c.symbol);
    if (prev !== undefined && c.score <= prev.score) {
      rejected.push({
        candidate: c,
        stage: 'auction',
        reason: 'DUPLICATE_SYMBOL',
        detail: `kept score ${prev.score}`,
      });
      continue;
    }
    if (prev !== undefined) {
      rejected.push({
        candidate: prev,
        stage: 'auction',
        reason: 'DUPLICATE_SYMBOL',
        detail: `kept score ${c.score}`,
      });
    }
    best.set(c.symbol, c);
  }

  for (const c of best.values()) {
    if (!risk.admitSignal(c.symbol, ctx.now)) {
      rejected.push({
        candidate: c,
        stage: 'cooldown',
        reason: 'SIGNAL_COOLDOWN',
        detail: 'symbol in cooldown',
      });
      continue;
    }
    const d = risk.evaluate(c, ctx);
    if (!d.approved) {
      rejected.push({ candidate: c, stage: 'sizing', reason: d.reason, detail: d.detail });
      continue;
    }
    sized.set(c.symbol, { candidate: c, trade: d });
  }

  const open = new Set<SymbolId>(ctx.activeSymbols);
  for (const p of ctx.positions) if (!p.qty.isZero()) open.add(p.symbol);
  for (const p of ctx.pending ?? []) open.add(p.symbol);

  const result = auction.allocate({
    now: ctx.now,
    equity: ctx.equity,
    marginUsed: ctx.marginUsed,
    bids: [...sized.values()].map(({ candidate, trade }) => ({
      symbol: candidate.symbol,
      score: candidate.score,
      requestedMargin: trade.margin,
    })),
    incumbents: ctx.positions
      .filter((p) => !p.qty.isZero())
      .map((p) => ({ symbol: p.symbol, margin: p.margin })),
    maxNewPositions: Math.max(0, risk.config.max_concurrent_positions - open.size),
    lastPartialCloseAt: deps.lastPartialCloseAt ?? null,
  });

  for (const loss of result.losers) {
    const s = sized.get(loss.symbol);
    if (s) rejected.push({ candidate: s.candidate, stage: 'auction', reason: loss.reason, detail: '' });
  }

  const accepted: ApprovedTrade[] = [];
  const pending: PendingExposure[] = [...(ctx.pending ?? [])];
  const leverage = risk.config.leverage;
  for (const w of result.winners) {
    const s = sized.get(w.symbol);
    if (s === undefined) continue;
    const d = risk.evaluate(
      s.candidate,
      { ...ctx, pending },
      { notionalOverride: w.grantedMargin.mul(leverage) },
    );
    if (!d.approved) {
      rejected.push({ candidate: s.candidate, stage: 'final', reason: d.reason, detail: d.detail });
      continue;
    }
    accepted.push(d);
    pending.push({ symbol: d.symbol, notional: d.notional, margin: d.margin });
  }
  return { accepted, rejected, auction: result };
}
