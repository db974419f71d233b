import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromColumns } from '../../data/candles/series.ts';
import { BrokerError, type PositionSide, type Symbol as SymbolId } from '../../engine/broker.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import type { PositionAction } from '../../engine/positions/actions.ts';
import { positionIdFor } from '../../engine/positions/client-id.ts';
import { DEFAULT_POSITIONS_CONFIG } from '../../engine/positions/config.ts';
import { openPosition } from '../../engine/positions/fsm.ts';
import { planProtection } from '../../engine/positions/protective-orders.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { syncWithExchange } from '../../engine/positions/sync.ts';
import { isActive } from '../../engine/positions/types.ts';
import { DEFAULT_RISK_CONFIG } from '../../engine/risk/config.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { DEFAULT_SAFETY_CONFIG } from '../../engine/safety/config.ts';
import { nakedPositions } from '../../engine/safety/invariant-monitor.ts';
import { KillSwitch } from '../../engine/safety/kill-switch.ts';
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
import { type Venue, venue } from '../kit/scenarios.ts';
import { pushBar } from '../kit/sim.ts';
import { brokerWith, d, executeAndApply, settleEvents } from '../kit/trading.ts';

/**
 * Position-level protection property: whatever happens — entries filling at once or a bar later, stops
 * and TPs triggering, trailing, stops vanishing (an earlier run's kill switch), a kill switch cancelling
 * TPs, failed submissions — after the event handling, one reconciliation and two protection passes (what
 * every tick does; the naked-position monitor allows exactly one detection), every exchange position has
 * a live reduce-only stop and the registry agrees with the exchange.
 *
 * The end-to-end version — through the Trader's own tick, the SimBroker and the InvariantMonitor — is the
 * second property below.
 */

type Step =
  | { kind: 'open'; symbol: SymbolId; side: PositionSide; instant: boolean }
  | { kind: 'bar'; symbol: SymbolId; move: number; range: number }
  | { kind: 'vanishStops'; symbol: SymbolId }
  | { kind: 'killSwitch' }
  | { kind: 'failSubmit' };

const SYMBOLS: SymbolId[] = ['BTC', 'ETH'];
const sym = fc.constantFrom(...SYMBOLS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('open' as const),
      symbol: sym,
      side: fc.constantFrom<PositionSide>('long', 'short'),
      instant: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('bar' as const),
      symbol: sym,
      // basis points: integers spread better than fast-check's edge-biased doubles
      move: fc.integer({ min: -600, max: 600 }).map((bp) => bp / 10_000),
      range: fc.integer({ min: 0, max: 300 }).map((bp) => bp / 10_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('vanishStops' as const), symbol: sym }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('killSwitch' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failSubmit' as const) }) },
);

/**
 * The venue seen through a broker whose next submission can be made to fail. At most one failure is armed
 * at a time, so of the tick's two protection passes at most one can fail — the case the monitor's "two
 * consecutive detections" rule is there for.
 */
function harness(v: Venue) {
  let armed = false;
  const flaky = {
    ...brokerWith(v.broker, {
      submitOrder: async (r) => {
        if (armed) {
          armed = false;
          throw new BrokerError('network', 'injected submit failure');
        }
        return v.broker.submitOrder(r);
      },
    }),
    drainEvents: () => v.broker.drainEvents(),
  };
  const ctxFor = (s: SymbolId) => v.fsm(s);
  return {
    arm: () => {
      armed = true;
    },
    exec: (actions: readonly PositionAction[]) => executeAndApply(flaky, v.registry, actions, ctxFor),
    settle: () => settleEvents(flaky, v.registry, ctxFor),
  };
}

type Harness = ReturnType<typeof harness>;

async function protect(v: Venue, h: Harness): Promise<void> {
  for (const p of v.registry.getAllActive()) {
    const last = d(v.broker.lastPrice(p.symbol).toString());
    const r = planProtection(p, await v.broker.openOrders(p.symbol), last, v.fsm(p.symbol));
    v.registry.put(r.position);
    await h.exec(r.actions);
  }
  await h.settle();
}

async function tickTail(v: Venue, h: Harness): Promise<void> {
  await h.settle();
  const sync = syncWithExchange({
    registry: v.registry,
    exchangePositions: await v.broker.positions(),
    openOrders: await v.broker.openOrders(),
    ctx: v.reconcileCtx(),
  });
  await h.exec(sync.actions);
  await protect(v, h);
  await protect(v, h);
}

async function runSteps(steps: Step[]): Promise<void> {
  const v = venue({ prices: { BTC: 100, ETH: 50 }, equity: 100_000 });
  const h = harness(v);
  let n = 0;
  for (const s of steps) {
    switch (s.kind) {
      case 'open': {
        if (
          v.registry.getActiveBySymbol(s.symbol) ||
          !(await v.broker.positions()).every((p) => p.symbol !== s.symbol)
        )
          break;
        const px = v.broker.lastPrice(s.symbol);
        const long = s.side === 'long';
        const o = openPosition(
          {
            id: positionIdFor(s.symbol, v.now() + n++),
            symbol: s.symbol,
            side: s.side,
            qty: d(10),
            stop: d((px * (long ? 0.97 : 1.03)).toFixed(2)),
            takeProfits: [1.02, 1.04, 1.08].map((k) => d((px * (long ? k : 2 - k)).toFixed(2))),
            atr: px * 0.01,
          },
          v.fsm(s.symbol),
        );
        v.registry.put(o.position);
        if (s.instant) v.broker.hooks.instantFillNext();
        await h.exec(o.actions);
        break;
      }
      case 'bar': {
        const px = v.broker.lastPrice(s.symbol);
        const close = Math.max(1, px * (1 + s.move));
        const hi = Math.max(px, close) * (1 + s.range);
        const lo = Math.min(px, close) * (1 - s.range);
        pushBar(v.broker, s.symbol, [px, hi, lo, close]);
        for (const other of SYMBOLS) {
          if (other === s.symbol) continue;
          const q = v.broker.lastPrice(other);
          pushBar(v.broker, other, [q, q, q, q]);
        }
        await h.settle();
        for (const p of v.registry.getAllActive()) {
          const t = v.registry.apply(
            p.id,
            {
              type: 'MARK',
              price: d(v.broker.lastPrice(p.symbol).toFixed(6)),
              atr: v.broker.lastPrice(p.symbol) * 0.01,
            },
            v.fsm(p.symbol),
          );
          await h.exec(t.actions);
        }
        break;
      }
      case 'vanishStops':
        v.broker.hooks.vanishStops(s.symbol);
        break;
      case 'killSwitch':
        await new KillSwitch(v.logger).activate(v.broker, 'MANUAL', v.now());
        break;
      case 'failSubmit':
        h.arm();
        break;
    }
    await tickTail(v, h);

    const positions = await v.broker.positions();
    const orders = await v.broker.openOrders();
    expect(nakedPositions(positions, orders).map((p) => p.symbol)).toEqual([]);
    const reg = v.registry
      .getAll()
      .filter((p) => isActive(p) && p.remainingQty.gt(0))
      .map((p) => [p.symbol, p.side, p.remainingQty.toString()])
      .sort();
    const ex = positions.map((p) => [p.symbol, p.side, p.qty.toString()]).sort();
    expect(reg).toEqual(ex);
  }
}

describe('property: no exchange position stays without a stop after a tick’s protection passes', () => {
  it('for any sequence of entries, price bars, vanished stops, kill switches and failed submissions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }), (steps) =>
        runSteps(steps),
      ),
      { numRuns: 40, seed: 424242 },
    );
  });
});

// ------------------------------------------------------------------ through the Trader and the SimBroker

const H = 3_600_000;
const T0_TRADER = Date.UTC(2024, 0, 1);
const TRADER_SYMBOLS = ['AAA', 'BBB'] as const;

/** What happens at the venue before one tick, besides the bar. */
type Fault = 'none' | 'failSubmit' | 'failCancel' | 'vanishStops' | 'instantFill';

interface TraderStep {
  /** Per symbol: −1 SHORT, 0 nothing, 1 LONG at this bar's close. */
  signals: readonly number[];
  /** Per symbol, basis points: close move and the bar's range beyond open/close. */
  moves: readonly number[];
  ranges: readonly number[];
  /** Stop distance of a signal, basis points of the close. */
  stopBp: number;
  fault: Fault;
  faultSymbol: number;
}

const traderStep: fc.Arbitrary<TraderStep> = fc.record({
  signals: fc.array(fc.constantFrom(-1, 0, 0, 0, 1), { minLength: 2, maxLength: 2 }),
  moves: fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 2, maxLength: 2 }),
  ranges: fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 2, maxLength: 2 }),
  stopBp: fc.integer({ min: 80, max: 600 }),
  fault: fc.constantFrom<Fault>(
    'none',
    'none',
    'none',
    'failSubmit',
    'failCancel',
    'vanishStops',
    'instantFill',
  ),
  faultSymbol: fc.integer({ min: 0, max: 1 }),
});

/** Candles of both symbols from the steps' moves (bar 0 flat at the start price). */
function candlesOf(steps: readonly TraderStep[]): CandleSeries[] {
  return TRADER_SYMBOLS.map((symbol, s) => {
    const n = steps.length + 1;
    const cols = {
      ts: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n).fill(1_000_000),
    };
    let px = s === 0 ? 100 : 40;
    for (let i = 0; i < n; i++) {
      const st = i === 0 ? undefined : steps[i - 1];
      const close = st === undefined ? px : Math.max(1, px * (1 + st.moves[s] / 10_000));
      const range = st === undefined ? 0 : st.ranges[s] / 10_000;
      cols.ts[i] = T0_TRADER + i * H;
      cols.open[i] = px;
      cols.close[i] = close;
      cols.high[i] = Math.max(px, close) * (1 + range);
      cols.low[i] = Math.min(px, close) * (1 - range);
      px = close;
    }
    return seriesFromColumns({ source: 'prop', symbol, timeframe: '1h' }, cols);
  });
}

/** Step i's signal on symbol s, decided at the close of bar i + 1 (bar 0 is the flat start). */
function scriptedStrategy(
  symbol: string,
  s: number,
  series: CandleSeries,
  steps: readonly TraderStep[],
): PreparedStrategy<Decision> {
  const action = (i: number) => (i >= 1 ? steps[i - 1].signals[s] : 0);
  return {
    symbol,
    length: series.length,
    decisionTime: (i) => series.ts[i] + H,
    decide: (i) =>
      packDecision(
        action(i) > 0 ? ACTION_CODE.LONG : action(i) < 0 ? ACTION_CODE.SHORT : ACTION_CODE.NO_SIGNAL,
        action(i) === 0 ? 1 : 0,
      ),
    describe: (i) => {
      const a = action(i);
      const close = series.close[i];
      const k = (i >= 1 ? steps[i - 1].stopBp : 300) / 10_000;
      const dir = a >= 0 ? 1 : -1;
      return {
        strategyId: 'prop',
        symbol,
        ts: series.ts[i] + H,
        action: a > 0 ? 'LONG' : a < 0 ? 'SHORT' : 'NO_SIGNAL',
        reasons: [],
        entry: close,
        stop: close * (1 - dir * k),
        tp1: close * (1 + dir * k),
        tp2: close * (1 + 2 * dir * k),
        tp3: close * (1 + 3 * dir * k),
        score: 80,
        setupType: 'prop',
        trace: { atr: close * 0.01 },
      };
    },
  };
}

interface TickRecord {
  /** Symbols with an exchange position and no live reduce-only stop after the tick. */
  naked: string[];
  /** A submission or cancellation was made to fail before this tick. */
  faulted: boolean;
  state: string;
  positions: number;
}

/**
 * Runs the Trader (default risk, positions and safety config; the supervisor checks every tick, as live
 * does) over the steps' bars against a SimBroker, injecting each step's fault before its tick. A
 * failure armed for a tick is disarmed after it (a transient venue error, not an outage).
 */
async function runTrader(steps: readonly TraderStep[]): Promise<TickRecord[]> {
  const bases = candlesOf(steps);
  const logger = new RecordingLogger();
  const clock = new SimulatedClock(T0_TRADER);
  const instruments = TRADER_SYMBOLS.map((s) => makeInstrument(s, { tickSize: '0.01', qtyStep: '0.001' }));
  const sim = new SimBroker({ instruments, clock, bufferEvents: false });
  let failSubmit = false;
  let failCancel = false;
  const broker = brokerWith(sim, {
    submitOrder: async (r) => {
      if (failSubmit) {
        failSubmit = false;
        throw new BrokerError('network', 'injected submit failure');
      }
      return sim.submitOrder(r);
    },
    cancelOrder: async (symbol, id) => {
      if (failCancel) {
        failCancel = false;
        throw new BrokerError('network', 'injected cancel failure');
      }
      return sim.cancelOrder(symbol, id);
    },
  });
  const registry = new PositionRegistry();
  const probe = {
    equity: () => sim.equityValue(),
    marginUsed: () => 0,
    openPositions: () => sim.listPositions().length,
  };
  const gate = new SupervisorGate(
    new SafetySupervisor(DEFAULT_SAFETY_CONFIG, logger, { startedAt: T0_TRADER + H }),
    broker,
    probe,
    DEFAULT_SAFETY_CONFIG,
    'every_tick',
  );
  const trader = new Trader(
    {
      clock,
      broker,
      logger,
      risk: new RiskManager(DEFAULT_RISK_CONFIG, logger),
      auction: new AuctionAllocator({ maxMarginUtil: 0.9, partialCloseCooldownSeconds: 0 }, logger),
      registry,
      positions: DEFAULT_POSITIONS_CONFIG,
      instruments: new Map(instruments.map((i) => [i.symbol, i])),
      safety: gate,
    },
    {
      market: { symbols: [...TRADER_SYMBOLS], base: bases },
      strategies: [
        {
          id: 'prop',
          reasonNames: ['NONE', 'NO_SIGNAL'],
          prepared: TRADER_SYMBOLS.map((s, k) => scriptedStrategy(s, k, bases[k], steps)),
          policy: { kind: 'managed' },
        },
      ],
    },
  );
  sim.subscribe((e) => trader.onBrokerEvent(e));

  const out: TickRecord[] = [];
  const bars = new Int32Array(TRADER_SYMBOLS.length);
  for (let i = 0; i < bases[0].length; i++) {
    const st = i === 0 ? undefined : steps[i - 1];
    const fault = st?.fault ?? 'none';
    const faultSym = TRADER_SYMBOLS[st?.faultSymbol ?? 0];
    if (fault === 'vanishStops') sim.hooks.vanishStops(faultSym);
    for (let s = 0; s < bases.length; s++) {
      sim.onSeriesBar(bases[s], i);
      bars[s] = i;
    }
    const now = bases[0].ts[i] + H;
    clock.advanceTo(now);
    failSubmit = fault === 'failSubmit';
    failCancel = fault === 'failCancel';
    if (fault === 'instantFill') sim.hooks.instantFillNext();
    const work = trader.tick(now, bars);
    if (work) await work;
    failSubmit = false;
    failCancel = false;
    const positions = sim.listPositions();
    out.push({
      naked: nakedPositions(positions, sim.listOpenOrders()).map((p) => p.symbol),
      faulted: fault === 'failSubmit' || fault === 'failCancel',
      state: gate.state(),
      positions: positions.length,
    });
  }
  return out;
}

describe('property through the Trader: no position is ever without a stop after the grace period', () => {
  it('for any signal stream, prices, vanished stops, instant fills and transient order failures', async () => {
    let sawPositions = 0;
    let sawNaked = 0;
    let sawRecovered = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(traderStep, { minLength: 4, maxLength: 24, size: 'max' }), async (steps) => {
        const ticks = await runTrader(steps);
        for (let k = 0; k < ticks.length; k++) {
          const t = ticks[k];
          if (t.positions > 0) sawPositions++;
          if (t.naked.length > 0) sawNaked++;
          // The grace period is one tick: the monitor's first detection sends the stop, the second halts.
          // A position naked at the end of two ticks in a row must have met a failed order call in the
          // second one (the failures are transient: the next tick without one must place the stop).
          if (k === 0 || t.faulted) continue;
          const before = new Set(ticks[k - 1].naked);
          expect(t.naked.filter((sym) => before.has(sym))).toEqual([]);
          if (before.size > 0 && t.positions > 0) sawRecovered++;
        }
      }),
      { numRuns: 60, seed: 20261129 },
    );
    // The generator reaches the cases the property is about.
    expect(sawPositions).toBeGreaterThan(50);
    expect(sawNaked).toBeGreaterThan(0);
    expect(sawRecovered).toBeGreaterThan(0);
  });
});
