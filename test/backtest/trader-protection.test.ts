import { describe, expect, it } from 'vitest';
import { seriesFromColumns } from '../../data/candles/series.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { DEFAULT_RISK_CONFIG } from '../../engine/risk/config.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { SafetySupervisor } from '../../engine/safety/supervisor.ts';
import { makeInstrument } from '../../engine/sim/instruments.ts';
import { SimBroker } from '../../engine/sim/sim-broker.ts';
import { SupervisorGate } from '../../engine/trader/safety-gate.ts';
import { Trader } from '../../engine/trader.ts';
import {
  ACTION_CODE,
  type Decision,
  type PreparedStrategy,
  packDecision,
} from '../../strategies/strategy.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** A strategy that goes LONG once, at `at`, with a 5% stop and three targets. */
function scripted(close: Float64Array, ts: Float64Array, at: number): PreparedStrategy<Decision> {
  return {
    symbol: 'AAA',
    length: close.length,
    decisionTime: (i) => ts[i] + H,
    decide: (i) => (i === at ? packDecision(ACTION_CODE.LONG, 0) : packDecision(ACTION_CODE.NO_SIGNAL, 1)),
    describe: (i) => ({
      strategyId: 'script',
      symbol: 'AAA',
      ts: ts[i] + H,
      action: i === at ? 'LONG' : 'NO_SIGNAL',
      reasons: [],
      entry: close[i],
      stop: close[i] * 0.95,
      tp1: close[i] * 1.05,
      tp2: close[i] * 1.1,
      tp3: close[i] * 1.15,
      score: 80,
      setupType: 'script',
      trace: {},
    }),
  };
}

describe('seed Bug 7 layer 2 through the Trader: a vanished stop is replaced before the naked monitor halts', () => {
  it('detects the naked position once, backfills the stop (cancel notFound, place anyway), never halts', async () => {
    const n = 40;
    const closes = Array.from({ length: n }, (_, i) => 100 + (i % 2) * 0.1);
    const base = seriesFromColumns(
      { source: 't', symbol: 'AAA', timeframe: '1h' },
      {
        ts: closes.map((_, i) => T0 + i * H),
        open: closes,
        high: closes.map((c) => c + 0.05),
        low: closes.map((c) => c - 0.05),
        close: closes,
        volume: closes.map(() => 1000),
      },
    );
    const logger = new RecordingLogger();
    const clock = new SimulatedClock(T0);
    const instrument = makeInstrument('AAA', { tickSize: '0.01', qtyStep: '0.001' });
    const sim = new SimBroker({ instruments: [instrument], clock, bufferEvents: false });
    const registry = new PositionRegistry();
    const probe = {
      equity: () => sim.equityValue(),
      marginUsed: () => 0,
      openPositions: () => sim.listPositions().length,
    };
    const gate = new SupervisorGate(
      new SafetySupervisor(DEFAULT_SAFETY_CONFIG, logger, { startedAt: T0 }),
      sim,
      probe,
      DEFAULT_SAFETY_CONFIG,
      'every_tick',
    );
    const trader = new Trader(
      {
        clock,
        broker: sim,
        logger,
        risk: new RiskManager(DEFAULT_RISK_CONFIG, logger),
        auction: new AuctionAllocator({ maxMarginUtil: 0.9, partialCloseCooldownSeconds: 0 }, logger),
        registry,
        positions: DEFAULT_POSITIONS_CONFIG,
        instruments: new Map([['AAA', instrument]]),
        safety: gate,
      },
      {
        market: { symbols: ['AAA'], base: [base] },
        strategies: [
          {
            id: 'script',
            reasonNames: ['NONE', 'NO_SIGNAL'],
            prepared: [scripted(base.close, base.ts, 3)],
            policy: { kind: 'managed' },
          },
        ],
      },
    );
    sim.subscribe((e) => trader.onBrokerEvent(e));

    const bars = new Int32Array(1);
    let vanished: string | null = null;
    const states: string[] = [];
    for (let i = 0; i < n; i++) {
      sim.onSeriesBar(base, i);
      clock.advanceTo(base.ts[i] + H);
      bars[0] = i;
      const work = trader.tick(base.ts[i] + H, bars);
      if (work) await work;
      states.push(gate.state());
      const p = registry.getActiveBySymbol('AAA');
      if (i === 8 && p?.stopOrderId) {
        vanished = p.stopOrderId;
        expect(sim.hooks.vanishOrder(vanished)).toBe(true);
      }
    }

    expect(vanished).not.toBeNull();
    expect(logger.has('NAKED_POSITIONS_DETECTED (first occurrence)')).toBe(true);
    expect(logger.has('Old SL cancel failed (proceeding to place new SL)')).toBe(true);
    expect(logger.has('Protection backfill')).toBe(true);
    expect(states).not.toContain('HALTED');
    const p = registry.getActiveBySymbol('AAA');
    expect(p?.state).toBe('OPEN');
    const stops = sim.listOpenOrders('AAA').filter((o) => o.type === 'stop' && o.reduceOnly);
    expect(stops).toHaveLength(1);
    expect(stops[0].id).not.toBe(vanished);
    expect(stops[0].qty.toFixed()).toBe(p?.remainingQty.toFixed());
    // The TPs were never touched: three still rest.
    expect(sim.listOpenOrders('AAA').filter((o) => o.type === 'take_profit')).toHaveLength(3);
  });
});
