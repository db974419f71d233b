import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.ts';
import { UserError } from '../../data/errors.ts';
import type { Symbol as SymbolId } from '../../engine/broker.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import { planEntries } from '../../engine/portfolio/entry-planner.ts';
import { positionIdFor } from '../../engine/positions/client-id.ts';
import { openPosition } from '../../engine/positions/fsm.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from '../../engine/risk/config.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { DEFAULT_SAFETY_CONFIG, type SafetyConfig } from '../../engine/safety/config.ts';
import { SafetySupervisor } from '../../engine/safety/supervisor.ts';
import { makeSimBroker, pushBar } from '../kit/sim.ts';
import { candidate, executeAndApply, fsmContext, settleEvents } from '../kit/trading.ts';

function refusal(user: unknown): string {
  try {
    resolveConfig(user, { source: 'test.yaml' });
  } catch (err) {
    if (err instanceof UserError) return [err.message, ...err.details].join('\n');
    throw err;
  }
  return '(accepted)';
}

/**
 * Fills the auction's whole margin budget on a simulated venue: eight signals at leverage 2, where the
 * 25 % single cap gives 12.5 % margin each, so the budget of 90 % is what stops the eighth. Returns the
 * venue after the entries, stops and TPs were placed.
 */
async function fillTheBudget(risk: RiskConfig) {
  const symbols: SymbolId[] = ['BTC', 'ETH', 'SOL', 'DOGE', 'BNB', 'XRP', 'ADA', 'LTC'];
  const broker = makeSimBroker({
    leverage: risk.leverage,
    instruments: Object.fromEntries(symbols.map((s) => [s, { tickSize: '0.01', qtyStep: '0.001' }])),
  });
  for (const s of symbols) pushBar(broker, s, [100, 100, 100, 100]);
  const logger = new RecordingLogger();
  const rm = new RiskManager(risk, logger);
  const auction = new AuctionAllocator(
    { maxMarginUtil: risk.auction_max_margin_util, partialCloseCooldownSeconds: 0 },
    logger,
  );
  const registry = new PositionRegistry();
  const instruments = new Map(broker.listInstruments().map((i) => [i.symbol, i]));
  const ctxFor = (s: SymbolId) => ({
    ...fsmContext({ symbol: s, logger }),
    instrument: instruments.get(s) ?? fsmContext().instrument,
    now: broker.now(),
  });
  const account = await broker.account();
  const plan = planEntries(
    symbols.map((s, i) => candidate({ symbol: s, score: 90 - i, ts: broker.now() })),
    {
      now: broker.now(),
      equity: account.equity,
      marginUsed: account.marginUsed,
      positions: [],
      activeSymbols: new Set(),
      systemState: 'NORMAL',
      instruments,
    },
    { risk: rm, auction },
  );
  broker.hooks.instantFillNext(plan.accepted.length);
  for (const a of plan.accepted) {
    const open = openPosition(
      {
        id: positionIdFor(a.symbol, broker.now()),
        symbol: a.symbol,
        side: a.side,
        qty: a.qty,
        stop: a.candidate.stop,
        takeProfits: a.candidate.takeProfits,
      },
      ctxFor(a.symbol),
    );
    registry.put(open.position);
    await executeAndApply(broker, registry, open.actions, ctxFor);
  }
  await settleEvents(broker, registry, ctxFor);
  return { broker, plan, registry, logger };
}

describe('seed Bug 1: kill switch fired whenever the auction filled its margin budget', () => {
  it('refuses the seed’s original thresholds (halt 0.85, degraded 0.70 under an auction budget of 0.90), naming the rule', () => {
    const msg = refusal({
      safety: { max_margin_utilization_pct: 0.85, degraded_margin_utilization_pct: 0.7 },
    });
    expect(msg).toContain("rule 'margin-halt-above-auction-budget'");
    expect(msg).toContain('safety.max_margin_utilization_pct');
    expect(msg).toContain('fix:');
  });

  it('refuses an auction budget raised to the HALT threshold', () => {
    expect(refusal({ risk: { auction_max_margin_util: 0.92 } })).toContain(
      "rule 'margin-halt-above-auction-budget'",
    );
  });

  it('refuses a DEGRADED threshold above the auction budget', () => {
    expect(refusal({ safety: { degraded_margin_utilization_pct: 0.91 } })).toContain(
      "rule 'margin-degraded-at-or-below-auction-budget'",
    );
  });

  it('refuses a HALT threshold of 100 %', () => {
    expect(refusal({ safety: { max_margin_utilization_pct: 1 } })).toContain("rule 'margin-halt-below-one'");
  });

  it('accepts the defaults, which keep degraded ≤ auction < halt < 1', () => {
    const c = resolveConfig({});
    expect(c.safety.degraded_margin_utilization_pct).toBe(0.85);
    expect(c.risk.auction_max_margin_util).toBe(0.9);
    expect(c.safety.max_margin_utilization_pct).toBe(0.92);
  });

  it('with the default thresholds a full auction budget leaves the system DEGRADED, not halted, and every SL/TP on the exchange', async () => {
    const risk = { ...DEFAULT_RISK_CONFIG, leverage: 2 };
    const { broker, plan, registry } = await fillTheBudget(risk);
    const account = await broker.account();
    // the auction really filled its budget (8th entry capped to the headroom)
    expect(plan.accepted).toHaveLength(8);
    expect(account.marginUtilization).toBeGreaterThan(0.89);
    expect(account.marginUtilization).toBeLessThan(0.92);
    const before = await broker.openOrders();
    expect(before.filter((o) => o.type === 'stop' && o.reduceOnly)).toHaveLength(8);
    expect(before.filter((o) => o.type === 'take_profit').length).toBeGreaterThanOrEqual(8);

    const supervisor = new SafetySupervisor(DEFAULT_SAFETY_CONFIG, new RecordingLogger(), {
      startedAt: broker.now(),
    });
    const r = await supervisor.tick(
      {
        now: broker.now(),
        equity: account.equity,
        marginUsed: account.marginUsed,
        positions: await broker.positions(),
        openOrders: before,
      },
      broker,
    );
    expect(r.state).toBe('DEGRADED');
    expect(supervisor.killSwitch.isActive()).toBe(false);
    const after = await broker.openOrders();
    expect(after.map((o) => o.id).sort()).toEqual(before.map((o) => o.id).sort());
    expect(registry.getAllActive().every((p) => p.stopOrderId !== null)).toBe(true);
  });

  it('(the failure the invariant prevents) with the seed’s old HALT at 0.85 the same fill halts and cancels the TPs just placed', async () => {
    const risk = { ...DEFAULT_RISK_CONFIG, leverage: 2 };
    const { broker } = await fillTheBudget(risk);
    const account = await broker.account();
    const oldThresholds: SafetyConfig = {
      ...DEFAULT_SAFETY_CONFIG,
      max_margin_utilization_pct: 0.85,
      degraded_margin_utilization_pct: 0.7,
    };
    const supervisor = new SafetySupervisor(oldThresholds, new RecordingLogger(), {
      startedAt: broker.now(),
    });
    const r = await supervisor.tick(
      {
        now: broker.now(),
        equity: account.equity,
        marginUsed: account.marginUsed,
        positions: await broker.positions(),
        openOrders: await broker.openOrders(),
      },
      broker,
    );
    expect(r.state).toBe('HALTED');
    expect((await broker.openOrders()).filter((o) => o.type === 'take_profit')).toHaveLength(0);
  });
});
