import { describe, expect, it } from 'vitest';
import { auction, candidate, d, exchangePosition, riskContext, riskManager } from '../../test/kit/trading.ts';
import { RecordingLogger } from '../log.ts';
import { AuctionAllocator } from './auction-allocator.ts';
import { planEntries } from './entry-planner.ts';

const bid = (symbol: string, score: number, margin: number) => ({
  symbol,
  score,
  requestedMargin: d(margin),
});

describe('AuctionAllocator', () => {
  const alloc = new AuctionAllocator(
    { maxMarginUtil: 0.9, partialCloseCooldownSeconds: 0 },
    new RecordingLogger(),
  );

  it('serves bids by score within the budget left by the incumbents, the last one partly', () => {
    const r = alloc.allocate({
      now: 0,
      equity: d(1_000),
      marginUsed: d(500),
      incumbents: [{ symbol: 'BTC', margin: d(500) }],
      bids: [bid('ETH', 50, 300), bid('SOL', 90, 300), bid('BTC', 99, 10), bid('DOGE', 10, 50)],
      maxNewPositions: 10,
    });
    expect(r.budget.toString()).toBe('900');
    expect(r.winners.map((w) => [w.symbol, w.grantedMargin.toString()])).toEqual([
      ['SOL', '300'],
      ['ETH', '100'],
    ]);
    expect(r.losers.map((l) => [l.symbol, l.reason])).toEqual([
      ['BTC', 'HELD_BY_INCUMBENT'],
      ['DOGE', 'BUDGET_EXHAUSTED'],
    ]);
  });

  it('ties break by symbol, so the result does not depend on input order', () => {
    const a = alloc.allocate({
      now: 0,
      equity: d(100),
      marginUsed: d(0),
      incumbents: [],
      bids: [bid('B', 5, 60), bid('A', 5, 60)],
      maxNewPositions: 5,
    });
    const b = alloc.allocate({
      now: 0,
      equity: d(100),
      marginUsed: d(0),
      incumbents: [],
      bids: [bid('A', 5, 60), bid('B', 5, 60)],
      maxNewPositions: 5,
    });
    expect(a.winners.map((w) => [w.symbol, w.grantedMargin.toString()])).toEqual([
      ['A', '60'],
      ['B', '30'],
    ]);
    expect(b.winners).toEqual(a.winners);
  });

  it('respects the number of positions that may still open', () => {
    const r = alloc.allocate({
      now: 0,
      equity: d(1_000),
      marginUsed: d(0),
      incumbents: [],
      bids: [bid('A', 3, 1), bid('B', 2, 1)],
      maxNewPositions: 1,
    });
    expect(r.winners.map((w) => w.symbol)).toEqual(['A']);
    expect(r.losers).toEqual([{ symbol: 'B', score: 2, reason: 'MAX_POSITIONS' }]);
  });

  it('opens nothing during the partial-close cooldown, and again after it', () => {
    const cooling = new AuctionAllocator(
      { maxMarginUtil: 0.9, partialCloseCooldownSeconds: 60 },
      new RecordingLogger(),
    );
    const input = {
      equity: d(1_000),
      marginUsed: d(0),
      incumbents: [],
      bids: [bid('A', 3, 1)],
      maxNewPositions: 3,
      lastPartialCloseAt: 1_000,
    };
    expect(cooling.allocate({ ...input, now: 60_999 }).losers[0].reason).toBe('PARTIAL_CLOSE_COOLDOWN');
    expect(cooling.allocate({ ...input, now: 61_000 }).winners).toHaveLength(1);
  });
});

describe('planEntries', () => {
  it('keeps the better of two signals of one symbol and passes each winner through the final risk check', () => {
    const plan = planEntries(
      [
        candidate({ symbol: 'BTC', score: 60 }),
        candidate({ symbol: 'BTC', score: 80, stop: d(90) }),
        candidate({ symbol: 'ETH', score: 70 }),
      ],
      riskContext(),
      { risk: riskManager(), auction: auction() },
    );
    expect(plan.accepted.map((a) => [a.symbol, a.candidate.score, a.notional.toString()])).toEqual([
      ['BTC', 80, '1000'],
      ['ETH', 70, '2500'],
    ]);
    expect(plan.rejected).toMatchObject([
      { stage: 'auction', reason: 'DUPLICATE_SYMBOL', candidate: { score: 60 } },
    ]);
    expect(plan.auction.winners.map((w) => w.symbol)).toEqual(['BTC', 'ETH']);
  });

  it('a second signal of a symbol in cooldown is rejected at the cooldown stage', () => {
    const rm = riskManager();
    const ctx = riskContext();
    planEntries([candidate()], ctx, { risk: rm, auction: auction() });
    const again = planEntries(
      [candidate()],
      { ...ctx, now: ctx.now + 3_600_000 },
      { risk: rm, auction: auction() },
    );
    expect(again.accepted).toEqual([]);
    expect(again.rejected).toMatchObject([{ stage: 'cooldown', reason: 'SIGNAL_COOLDOWN' }]);
  });

  it('the entries of one tick share the aggregate caps', () => {
    // 1 800 of 2 000 % headroom used at the mark: only 2 000 left for the whole tick
    const ctx = riskContext({ positions: [exchangePosition('XRP', 'long', 1_800, 10)], marginUsed: d(0) });
    const plan = planEntries(
      ['BTC', 'ETH', 'SOL'].map((s, i) => candidate({ symbol: s, score: 90 - i })),
      ctx,
      { risk: riskManager(), auction: auction() },
    );
    const total = plan.accepted.reduce((s, a) => s.plus(a.notional), d(0));
    expect(total.toString()).toBe('2000');
    expect(plan.accepted.map((a) => a.notional.toString())).toEqual(['2000']);
    expect(plan.rejected.find((r) => r.stage === 'final')).toMatchObject({
      reason: 'AGGREGATE_NOTIONAL_CAP',
    });
  });
});
