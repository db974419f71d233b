import type { Decimal } from 'decimal.js';
import type { Symbol as SymbolId } from '../broker.ts';
import { isSilent, type Logger } from '../log.ts';
import { dec, dmax, dmin, ZERO } from '../risk/quantize.ts';

/**
 * The auction (seed §2 "Auction Allocator", §4, §7 "The Auction Allocator Respects Margin Budget"): every
 * tick, new signals and open positions compete for one margin budget, `auction_max_margin_util` × equity
 * (90 %). Open positions (incumbents) hold the margin they already use — the auction never closes a
 * position to make room (a destructive action on something it did not open this tick; compare seed Bug 3)
 * — and new signals are served by score, highest first, each granted at most the margin it asked for and
 * at most what is left. The grant goes to the RiskManager as a notional override, where every cap still
 * applies (seed Bug 2).
 *
 * With `partialCloseCooldownSeconds` > 0, nothing new is opened for that long after a TP1/TP2 partial
 * close (seed §3 "Capital reallocation"; default 0 = off).
 */

export interface AuctionBid {
  readonly symbol: SymbolId;
  readonly score: number;
  /** Margin the bid needs for its risk-sized, capped position. */
  readonly requestedMargin: Decimal;
}

export interface AuctionIncumbent {
  readonly symbol: SymbolId;
  readonly margin: Decimal;
}

export interface AuctionInput {
  readonly now: number;
  readonly equity: Decimal;
  /** Account margin in use (covers the incumbents; the larger of this and their sum is committed). */
  readonly marginUsed: Decimal;
  readonly bids: readonly AuctionBid[];
  readonly incumbents: readonly AuctionIncumbent[];
  /** How many new positions may open this tick (max concurrent positions minus those open). */
  readonly maxNewPositions: number;
  /** When the last TP1/TP2 partial close happened, UTC ms. */
  readonly lastPartialCloseAt?: number | null;
}

export interface AuctionAward {
  readonly symbol: SymbolId;
  readonly score: number;
  readonly requestedMargin: Decimal;
  readonly grantedMargin: Decimal;
  /** Rank among the bids, 0 = best. */
  readonly rank: number;
}

export type AuctionLossReason =
  | 'BUDGET_EXHAUSTED'
  | 'MAX_POSITIONS'
  | 'PARTIAL_CLOSE_COOLDOWN'
  | 'HELD_BY_INCUMBENT'
  | 'DUPLICATE_SYMBOL'
  | 'NO_MARGIN_REQUESTED';

export interface AuctionLoss {
  readonly symbol: SymbolId;
  readonly score: number;
  readonly reason: AuctionLossReason;
}

export interface AuctionResult {
  readonly budget: Decimal;
  readonly committed: Decimal;
  readonly remaining: Decimal;
  readonly winners: readonly AuctionAward[];
  readonly losers: readonly AuctionLoss[];
  readonly incumbents: readonly AuctionIncumbent[];
}

export interface AuctionConfig {
  readonly maxMarginUtil: number;
  readonly partialCloseCooldownSeconds: number;
}

/** The margin budget, what the incumbents (or the account) commit of it, and what is left. */
function budgetOf(
  input: AuctionInput,
  maxMarginUtil: number,
): { budget: Decimal; committed: Decimal; remaining: Decimal } {
  const budget = dmax(ZERO, dec(input.equity).mul(maxMarginUtil));
  let incumbentMargin = ZERO;
  for (const p of input.incumbents) incumbentMargin = incumbentMargin.plus(p.margin);
  const committed = dmax(dec(input.marginUsed), incumbentMargin);
  return { budget, committed, remaining: dmax(ZERO, budget.minus(committed)) };
}

/** The result of an auction without bids: its budget figures are worked out when first read. */
class IdleAuction implements AuctionResult {
  readonly winners: readonly AuctionAward[] = [];
  readonly losers: readonly AuctionLoss[] = [];
  readonly incumbents: readonly AuctionIncumbent[];
  private readonly input: AuctionInput;
  private readonly maxMarginUtil: number;
  private figures: { budget: Decimal; committed: Decimal; remaining: Decimal } | undefined;

  constructor(input: AuctionInput, maxMarginUtil: number) {
    this.input = input;
    this.maxMarginUtil = maxMarginUtil;
    this.incumbents = input.incumbents;
  }

  private get computed(): { budget: Decimal; committed: Decimal; remaining: Decimal } {
    this.figures ??= budgetOf(this.input, this.maxMarginUtil);
    return this.figures;
  }

  get budget(): Decimal {
    return this.computed.budget;
  }

  get committed(): Decimal {
    return this.computed.committed;
  }

  get remaining(): Decimal {
    return this.computed.remaining;
  }

  /** The plain result (a logger or JSON sees the figures, which live on the prototype as getters). */
  toJSON(): AuctionResult {
    const { budget, committed, remaining } = this.computed;
    return {
      budget,
      committed,
      remaining,
      winners: this.winners,
      losers: this.losers,
      incumbents: this.incumbents,
    };
  }
}

/** Score descending, then symbol: the same order on every machine. */
function byScore(a: AuctionBid, b: AuctionBid): number {
  return b.score - a.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}

export class AuctionAllocator {
  constructor(
    private readonly cfg: AuctionConfig,
    private readonly logger: Logger,
  ) {}

  private lossReason(
    bid: AuctionBid,
    st: {
      seen: ReadonlySet<SymbolId>;
      held: ReadonlySet<SymbolId>;
      cooling: boolean;
      winners: number;
      max: number;
      remaining: Decimal;
    },
  ): AuctionLossReason | null {
    if (st.seen.has(bid.symbol)) return 'DUPLICATE_SYMBOL';
    if (st.held.has(bid.symbol)) return 'HELD_BY_INCUMBENT';
    if (st.cooling) return 'PARTIAL_CLOSE_COOLDOWN';
    if (bid.requestedMargin.lte(0)) return 'NO_MARGIN_REQUESTED';
    if (st.winners >= st.max) return 'MAX_POSITIONS';
    if (st.remaining.lte(0)) return 'BUDGET_EXHAUSTED';
    return null;
  }

  allocate(input: AuctionInput): AuctionResult {
    // Nothing to allocate and nothing to log: most ticks with signals get here with every signal refused
    // before the auction (system degraded, position exists), and nobody reads the budget figures then.
    if (input.bids.length === 0 && isSilent(this.logger)) {
      return new IdleAuction(input, this.cfg.maxMarginUtil);
    }
    const figures = budgetOf(input, this.cfg.maxMarginUtil);
    const { budget, committed } = figures;
    let remaining = figures.remaining;

    const held = new Set(input.incumbents.map((p) => p.symbol));
    const winners: AuctionAward[] = [];
    const losers: AuctionLoss[] = [];
    const seen = new Set<SymbolId>();
    const cooling =
      this.cfg.partialCloseCooldownSeconds > 0 &&
      input.lastPartialCloseAt != null &&
      input.now - input.lastPartialCloseAt < this.cfg.partialCloseCooldownSeconds * 1000;

    const sorted = [...input.bids].sort(byScore);
    for (const [rank, bid] of sorted.entries()) {
      const reason = this.lossReason(bid, {
        seen,
        held,
        cooling,
        winners: winners.length,
        max: input.maxNewPositions,
        remaining,
      });
      seen.add(bid.symbol);
      if (reason !== null) {
        losers.push({ symbol: bid.symbol, score: bid.score, reason });
        continue;
      }
      const granted = dmin(bid.requestedMargin, remaining);
      remaining = remaining.minus(granted);
      winners.push({
        symbol: bid.symbol,
        score: bid.score,
        requestedMargin: bid.requestedMargin,
        grantedMargin: granted,
        rank,
      });
    }

    // Its figures cost three Decimal-to-string conversions per tick with signals: not for a silent logger.
    if (!isSilent(this.logger))
      this.logger.debug(
        {
          contenders: input.bids.length + input.incumbents.length,
          new_signals: input.bids.length,
          incumbents: input.incumbents.length,
          winners_selected: winners.length + input.incumbents.length,
          budget: budget.toString(),
          committed: committed.toString(),
          remaining: remaining.toString(),
          partial_close_cooldown: cooling,
        },
        'Auction complete',
      );
    return { budget, committed, remaining, winners, losers, incumbents: input.incumbents };
  }
}
