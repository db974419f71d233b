import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import { planEntries } from '../../engine/portfolio/entry-planner.ts';
import { existingNotional } from '../../engine/risk/caps.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import type { RiskContext, TradeCandidate } from '../../engine/risk/types.ts';
import { d, exchangePosition, instrumentMap, riskConfig } from '../kit/trading.ts';

const SYMBOLS = [
  'BTC',
  'ETH',
  'SOL',
  'DOGE',
  'BNB',
  'XRP',
  'ADA',
  'LTC',
  'DOT',
  'AVAX',
  'LINK',
  'ATOM',
  'NEAR',
  'ARB',
];

const price = fc.double({ min: 0.01, max: 100_000, noNaN: true, noDefaultInfinity: true });

const candidateArb = fc
  .record({
    symbol: fc.constantFrom(...SYMBOLS),
    long: fc.boolean(),
    entry: price,
    stopFrac: fc.double({ min: 0.0005, max: 0.3, noNaN: true }),
    score: fc.integer({ min: 0, max: 100 }),
  })
  .map(
    ({ symbol, long, entry, stopFrac, score }): TradeCandidate => ({
      symbol,
      ts: 0,
      side: long ? 'long' : 'short',
      entry: d(entry.toPrecision(8)),
      stop: d((long ? entry * (1 - stopFrac) : entry * (1 + stopFrac)).toPrecision(8)),
      takeProfits: [],
      score,
    }),
  );

const positionArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  long: fc.boolean(),
  qty: fc.double({ min: 0.001, max: 1_000, noNaN: true }),
  entry: price,
  markMove: fc.double({ min: 0.2, max: 5, noNaN: true }),
});

const configArb = fc.record({
  leverage: fc.constantFrom(1, 2, 3, 5, 7, 10, 20),
  risk_per_trade_pct: fc.constantFrom(0.005, 0.01, 0.02, 0.05),
  max_concurrent_positions: fc.integer({ min: 1, max: 10 }),
});

describe('property: no accepted entry ever breaks a single or aggregate cap', () => {
  it('for any signals, open positions, prices, leverage and equity', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.double({ min: 20, max: 1_000_000, noNaN: true }),
        fc.array(positionArb, { maxLength: 8 }),
        fc.array(candidateArb, { maxLength: 16 }),
        (cfgOver, equityF, posSpecs, candidates) => {
          const cfg = riskConfig({ ...cfgOver, signal_cooldown_hours: 0 });
          const seen = new Set<string>();
          const positions = posSpecs
            .filter((p) => !seen.has(p.symbol) && seen.add(p.symbol))
            .map((p) =>
              exchangePosition(
                p.symbol,
                p.long ? 'long' : 'short',
                p.qty.toPrecision(6),
                p.entry.toPrecision(8),
                (p.entry * p.markMove).toPrecision(8),
                cfg.leverage,
              ),
            );
          const equity = d(equityF.toFixed(2));
          const marginUsed = positions.reduce((s, p) => s.plus(p.margin), d(0));
          const ctx: RiskContext = {
            now: 0,
            equity,
            marginUsed,
            positions,
            activeSymbols: new Set(positions.map((p) => p.symbol)),
            systemState: 'NORMAL',
            instruments: instrumentMap(SYMBOLS),
          };
          const rm = new RiskManager(cfg, silentLogger);
          const auction = new AuctionAllocator(
            { maxMarginUtil: cfg.auction_max_margin_util, partialCloseCooldownSeconds: 0 },
            silentLogger,
          );
          const plan = planEntries(candidates, ctx, { risk: rm, auction });

          const existing = existingNotional(positions);
          let notional = d(0);
          let margin = d(0);
          const symbols = new Set<string>();
          for (const a of plan.accepted) {
            // single caps
            expect(a.notional.lte(equity.mul(cfg.max_single_position_pct_equity))).toBe(true);
            expect(a.margin.lte(equity.mul(cfg.max_single_position_margin_pct_equity))).toBe(true);
            // viable, quantized, one entry per symbol, nothing where a position is open
            expect(a.notional.gte(cfg.min_notional_viable)).toBe(true);
            expect(a.qty.mod(d('0.001')).isZero()).toBe(true);
            expect(symbols.has(a.symbol) || ctx.activeSymbols.has(a.symbol)).toBe(false);
            symbols.add(a.symbol);
            notional = notional.plus(a.notional);
            margin = margin.plus(a.margin);
          }
          if (plan.accepted.length > 0) {
            // aggregate caps, existing exposure at the mark included
            expect(existing.plus(notional).lte(equity.mul(cfg.max_aggregate_notional_pct_equity))).toBe(true);
            expect(marginUsed.plus(margin).lte(equity.mul(cfg.max_aggregate_margin_pct_equity))).toBe(true);
            // the auction's margin budget
            expect(marginUsed.plus(margin).lte(equity.mul(cfg.auction_max_margin_util))).toBe(true);
            expect(positions.length + plan.accepted.length).toBeLessThanOrEqual(cfg.max_concurrent_positions);
          }
        },
      ),
      { numRuns: 300, seed: 20240301 },
    );
  });

  it('an arbitrary notional override is always capped to the single-position limit (seed Bug 2)', () => {
    fc.assert(
      fc.property(
        candidateArb,
        fc.double({ min: 0.01, max: 1e9, noNaN: true }),
        fc.double({ min: 20, max: 1e7, noNaN: true }),
        (c, override, equityF) => {
          const rm = new RiskManager(riskConfig(), silentLogger);
          const equity = d(equityF.toFixed(2));
          const r = rm.evaluate(
            c,
            {
              now: 0,
              equity,
              marginUsed: d(0),
              positions: [],
              activeSymbols: new Set(),
              systemState: 'NORMAL',
              instruments: instrumentMap(SYMBOLS),
            },
            { notionalOverride: d(override.toPrecision(10)) },
          );
          if (r.approved) expect(r.notional.lte(equity.mul(0.25))).toBe(true);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});
