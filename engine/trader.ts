import type { Decimal } from 'decimal.js';
import { lowerBound } from '../data/candles/series.ts';
import { TIMEFRAME_MS, type Timeframe } from '../data/timeframes.ts';
import type { Decision } from '../strategies/strategy.ts';
import type { DecisionTrace, Funnel, TraceFill, TraceIntent } from './backtest/types.ts';
import { type Broker, BrokerError, type Fill, type Instrument, type Symbol as SymbolId } from './broker.ts';
import type { Clock } from './clock.ts';
import type { EngineEvent } from './events.ts';
import { isSilent, type Logger } from './log.ts';
import type { TradeRecord } from './metrics/trade-record.ts';
import type { AuctionAllocator } from './portfolio/auction-allocator.ts';
import { planEntries } from './portfolio/entry-planner.ts';
import { type IntentRecord, type PositionAction, toIntentRecord } from './positions/actions.ts';
import { parseClientId, positionIdFor } from './positions/client-id.ts';
import type { PositionsConfig } from './positions/config.ts';
import { executeAction } from './positions/execute.ts';
import { routeFill } from './positions/fill-router.ts';
import { netPnl, openPosition } from './positions/fsm.ts';
import { planProtection } from './positions/protective-orders.ts';
import type { PositionRegistry } from './positions/registry.ts';
import type { ExitReason, FsmContext, ManagedPosition, PositionEvent } from './positions/types.ts';
import { dec, quantizeDown, ZERO } from './risk/quantize.ts';
import type { RiskManager } from './risk/risk-manager.ts';
import type { ApprovedTrade, RiskContext, TradeCandidate } from './risk/types.ts';
import type { SystemState } from './safety/types.ts';
import { fixedText } from './trader/decimal-text.ts';
import type { AccountProbe } from './trader/safety-gate.ts';
import { type TraceMode, TraceRecorder } from './trader/trace-recorder.ts';
import { TradeBuilder } from './trader/trade-builder.ts';
import type { StrategyBinding, TraderHooks, TraderMarket } from './trader/types.ts';

export type { SizingPolicy, StrategyBinding, TraderHooks, TraderMarket } from './trader/types.ts';

/**
 * The safety layer as the trader drives it once per tick (engine/safety: InvariantMonitor, KillSwitch,
 * AutoRecovery). `check` may act on the broker (kill switch); `state` gates new entries.
 */
export interface SafetyGate {
  state(): SystemState;
  /** Runs the invariant checks after the tick's orders; resolves when any kill-switch action is done. */
  check(now: number): Promise<void>;
  /** True when `check` must run this tick even without signals (e.g. positions open, a threshold near). */
  due(now: number): boolean;
  /** The last check saw positions without a live stop: the trader runs its protection backfill. */
  needsProtection(): boolean;
}

export interface TraderDeps {
  readonly clock: Clock;
  readonly broker: Broker;
  readonly logger: Logger;
  readonly risk: RiskManager;
  readonly auction: AuctionAllocator;
  readonly registry: PositionRegistry;
  readonly positions: PositionsConfig;
  /** Instruments of the traded symbols (from `broker.instruments()`, loaded by the assembler). */
  readonly instruments: ReadonlyMap<SymbolId, Instrument>;
  readonly safety?: SafetyGate;
  readonly hooks?: TraderHooks;
  /**
   * Float account view. When given, target-exposure sizing reads equity from it and the position from
   * the trader's own fill book instead of two broker round trips per signal (the backtest's fast path);
   * without it the broker is asked.
   */
  readonly probe?: AccountProbe;
}

/**
 * {@link TraderDeps} with every optional field present (undefined when not given): the trader keeps one
 * object shape whatever its caller passed (a backtest without the safety layer, one with it, live), so
 * its reads of the dependencies stay monomorphic from one run to the next.
 */
type FixedDeps = Omit<TraderDeps, 'safety' | 'hooks' | 'probe'> & {
  readonly safety: SafetyGate | undefined;
  readonly hooks: TraderHooks | undefined;
  readonly probe: AccountProbe | undefined;
};

export interface TraderOptions {
  readonly market: TraderMarket;
  readonly strategies: readonly StrategyBinding[];
  /** Which decisions the trace keeps (default `signals`). */
  readonly trace?: TraceMode;
}

/** Exit reasons of the position FSM, as trade records spell them. */
const EXIT_REASON_NAMES: Readonly<Record<ExitReason, string>> = {
  STOP_LOSS: 'stop_loss',
  BREAK_EVEN_STOP: 'break_even_stop',
  TRAILING_STOP: 'trailing_stop',
  TAKE_PROFIT: 'take_profit',
  MANUAL: 'manual',
  LIQUIDATION: 'liquidation',
  ORPHAN_RECONCILED: 'orphan_reconciled',
  ENTRY_CANCELLED: 'entry_cancelled',
};

function barMs(series: { timeframe: Timeframe }): number {
  return TIMEFRAME_MS[series.timeframe];
}

/** Index of the last bar opening at or before `t` (−1 when none). */
function lastBarAtOrBefore(ts: Float64Array, t: number): number {
  return lowerBound(ts, t + 1) - 1;
}

function decOrNull(x: number | null): Decimal | null {
  return x === null || !Number.isFinite(x) ? null : dec(x);
}

/**
 * An empty array already of the "any object" elements kind. An empty literal starts as small integers and
 * changes kind on its first push; for arrays that live through a whole run that push comes long after the
 * allocation site could learn it, so every run's first push deoptimised the code optimised in the run
 * before (and everything it was inlined into, the backtest loop included).
 */
function objectArray<T>(): T[] {
  const a: T[] = [null as unknown as T];
  a.length = 0;
  return a;
}

interface PendingSignal {
  symbolIdx: number;
  strategyIdx: number;
  bar: number;
  action: number;
  row: number;
}

/** Managed-policy signals that passed the cooldown, as risk candidates. */
interface ManagedBatch {
  candidates: TradeCandidate[];
  byCandidate: Map<TradeCandidate, PendingSignal>;
}

/**
 * A strategy's LONG/SHORT as a trade candidate. Its Decimal prices are made when first read (the same
 * values as converting them at once): most signals are refused by a gate that never reads them — system
 * degraded, position exists — and the five float-to-Decimal conversions are most of what describing a
 * candidate costs. The candidate is immutable, like a plain one.
 */
class SignalCandidate implements TradeCandidate {
  readonly symbol: SymbolId;
  readonly ts: number;
  readonly side: 'long' | 'short';
  readonly score: number;
  readonly setupType: string | null | undefined;
  readonly atr: number | null;
  readonly entryValue: number;
  readonly stopValue: number;
  private readonly tpF: readonly [number | null, number | null, number | null];
  private entryD: Decimal | undefined;
  private stopD: Decimal | undefined;
  private tpD: readonly (Decimal | null)[] | undefined;

  constructor(d: Decision<object>, entry: number, stop: number, now: number) {
    const trace = d.trace as Record<string, unknown>;
    this.symbol = d.symbol;
    this.ts = now;
    this.side = d.action === 'LONG' ? 'long' : 'short';
    this.score = d.score ?? 0;
    this.setupType = d.setupType;
    this.atr = typeof trace.atr === 'number' ? trace.atr : null;
    this.entryValue = entry;
    this.stopValue = stop;
    this.tpF = [d.tp1, d.tp2, d.tp3];
  }

  get entry(): Decimal {
    if (this.entryD === undefined) this.entryD = dec(this.entryValue);
    return this.entryD;
  }

  get stop(): Decimal {
    if (this.stopD === undefined) this.stopD = dec(this.stopValue);
    return this.stopD;
  }

  get takeProfits(): readonly (Decimal | null)[] {
    if (this.tpD === undefined) this.tpD = this.tpF.map(decOrNull);
    return this.tpD;
  }

  /** The plain candidate (a logger or JSON sees the prices, which live on the prototype as getters). */
  toJSON(): TradeCandidate {
    return {
      symbol: this.symbol,
      ts: this.ts,
      side: this.side,
      entry: this.entry,
      stop: this.stop,
      takeProfits: this.takeProfits,
      score: this.score,
      setupType: this.setupType,
      atr: this.atr,
    };
  }
}

const sizingOutcomes = new Map<string, string>();

/**
 * `sizing:<reason>`, one string per reason: the trace recorder looks outcomes up by text, and a string
 * made once keeps its hash, where a fresh concatenation per refused signal is hashed again each time.
 */
function sizingOutcome(reason: string): string {
  let o = sizingOutcomes.get(reason);
  if (o === undefined) {
    o = `sizing:${reason}`;
    sizingOutcomes.set(reason, o);
  }
  return o;
}

/** A target-exposure order in flight: whose it is and why it was sent. */
interface TargetOrder {
  readonly strategyId: string;
  readonly reason: string;
}

/**
 * One tick of trading, identical in backtests and live (SPEC §1 `trader`): strategy decisions → auction →
 * risk → orders → position state machine → invariant monitor / kill switch. It never knows whether its
 * broker is simulated: time comes from the Clock, orders go through the Broker interface, persistence
 * through hooks.
 *
 * The per-bar path — {@link tick} with no signal, no queued broker event and nothing to manage — reads
 * one packed decision per (symbol, strategy), counts it, and returns `undefined` without allocating or
 * awaiting; only a tick with work returns a promise. A decision at `now` sees only candles closed at or
 * before `now` (the prepared strategies' contract), and orders sent at `now` can fill only on later
 * prices (the broker's).
 *
 * Broker events reach the trader through {@link onBrokerEvent}, synchronously and in the broker's order:
 * fills and funding are booked into the trades at once (so every money movement lands in the right trade),
 * and the position state machine's reactions (stops, TPs, break-even) run in the next tick.
 */
export class Trader {
  private readonly deps: FixedDeps;
  private readonly market: TraderMarket;
  private readonly strategies: readonly StrategyBinding[];
  private readonly recorder: TraceRecorder;
  readonly trades = new TradeBuilder();
  private readonly intents: TraceIntent[] = objectArray();
  private readonly fills: TraceFill[] = objectArray();
  private readonly signals: PendingSignal[] = objectArray();
  private nSignals = 0;
  /** Broker events the position FSM still has to see. */
  private queued: EngineEvent[] = objectArray();
  /** The emptied previous `queued` array, reused as the next one (see routeQueued). */
  private spareQueue: EngineEvent[] = objectArray();
  private readonly seenFills = new Set<string>();
  private readonly targetOrders = new Map<string, TargetOrder>();
  /** Strategy that owns each managed position. */
  private readonly positionOwner = new Map<string, string>();
  /** Exit reason of each close order the trader sent. */
  private readonly closeReasons = new Map<string, string>();
  /** Managed positions whose stop may trail (break-even reached or trailing active). */
  private trailing = 0;
  /** A protective order vanished or a halt was lifted: run the protection backfill next tick. */
  private protectionDue = false;
  /** Order ids the trader itself asked to cancel (their cancellations need no backfill). */
  private readonly selfCancelled = new Set<string>();
  /** This tick sent something to the broker or processed its events (the safety check must follow). */
  private brokerTouched = false;
  /** Managed positions closed since the daily-loss tracker last heard of them. */
  private readonly closedPositions: ManagedPosition[] = objectArray();
  /** The write-ahead hook handed to executeAction (one function for the run, not one per action). */
  private readonly writeAheadIntent = (r: IntentRecord): void | Promise<void> => {
    return this.deps.hooks?.onIntent?.(r);
  };

  constructor(deps: TraderDeps, opts: TraderOptions) {
    this.deps = {
      clock: deps.clock,
      broker: deps.broker,
      logger: deps.logger,
      risk: deps.risk,
      auction: deps.auction,
      registry: deps.registry,
      positions: deps.positions,
      instruments: deps.instruments,
      safety: deps.safety,
      hooks: deps.hooks,
      probe: deps.probe,
    };
    this.market = opts.market;
    this.strategies = opts.strategies;
    for (const s of opts.strategies) {
      if (s.prepared.length !== opts.market.symbols.length) {
        throw new Error(
          `strategy ${s.id} is prepared for ${s.prepared.length} symbols but the market has ${opts.market.symbols.length}`,
        );
      }
    }
    this.recorder = new TraceRecorder(
      opts.market.symbols,
      opts.strategies.map((s) => ({ id: s.id, reasonNames: s.reasonNames })),
      opts.trace ?? 'signals',
    );
  }

  // ------------------------------------------------------------------ per-bar path

  /**
   * The tick at `now`: `bars[s]` is the index of symbol s's base bar that closed at `now` (−1 when it has
   * none). Returns undefined when there was nothing to do, else a promise of the tick's work.
   */
  tick(now: number, bars: ArrayLike<number>): Promise<void> | undefined {
    const symbols = this.market.symbols.length;
    const strategies = this.strategies;
    // Only an `all` trace keeps no-signal rows (with their close); otherwise they are only counted.
    const keepAll = this.recorder.mode === 'all';
    let n = 0;
    for (let s = 0; s < symbols; s++) {
      const i = bars[s];
      if (i < 0) continue;
      for (let k = 0; k < strategies.length; k++) {
        const p = strategies[k].prepared[s];
        if (p === null) continue;
        const code = p.decide(i);
        const action = (code & 3) - 1;
        const reason = code >>> 2;
        if (action === 0) {
          if (keepAll) this.recorder.noSignal(now, s, k, reason, this.market.base[s].close[i]);
          else this.recorder.countNoSignal(k, reason);
          continue;
        }
        const row = this.recorder.signal(now, s, k, action, reason, this.market.base[s].close[i]);
        let slot = this.signals[n];
        if (slot === undefined) {
          slot = { symbolIdx: 0, strategyIdx: 0, bar: 0, action: 0, row: 0 };
          this.signals[n] = slot;
        }
        slot.symbolIdx = s;
        slot.strategyIdx = k;
        slot.bar = i;
        slot.action = action;
        slot.row = row;
        n++;
      }
    }
    this.nSignals = n;
    const safetyDue = this.deps.safety?.due(now) ?? false;
    if (this.queued.length === 0 && this.trailing === 0 && !safetyDue && !this.protectionDue) {
      if (n === 0) return undefined;
      // Most signal ticks stop at the cooldown gate and nothing else is pending: settled here, as act would
      // settle them, without an asynchronous call per tick.
      if (this.closedPositions.length === 0 && !this.brokerTouched && this.allCoolingDown(now, n)) {
        this.nSignals = 0;
        return undefined;
      }
    }
    return this.act(now, bars);
  }

  /**
   * When each of the first `n` signals is a managed one whose symbol is cooling down (or that has no
   * prepared strategy), records their cooldown outcomes as {@link managedCandidates} would and returns
   * true; otherwise records nothing and returns false.
   */
  private allCoolingDown(now: number, n: number): boolean {
    const cooldown = this.deps.risk.cooldown;
    for (let j = 0; j < n; j++) {
      const sig = this.signals[j];
      const strategy = this.strategies[sig.strategyIdx];
      if (strategy.policy.kind === 'target_exposure') return false;
      if (strategy.prepared[sig.symbolIdx] === null) continue;
      if (!cooldown.isActive(this.market.symbols[sig.symbolIdx], now)) return false;
    }
    for (let j = 0; j < n; j++) {
      const sig = this.signals[j];
      if (this.strategies[sig.strategyIdx].prepared[sig.symbolIdx] === null) continue;
      this.recorder.setOutcome(sig.row, sig.strategyIdx, 'cooldown:SIGNAL_COOLDOWN');
    }
    return true;
  }

  /**
   * Receives a broker event, synchronously and in broker order. Money events are booked at once; what
   * the position FSM must react to is queued for the next tick.
   */
  onBrokerEvent(e: EngineEvent): void {
    switch (e.kind) {
      case 'order_filled':
      case 'order_partially_filled':
        this.bookFill(e.fill, this.reasonOfFill(e.fill));
        if (this.isManaged(e.fill.clientId)) this.queued.push(e);
        else this.targetOrderFilled(e);
        return;
      case 'liquidation':
        this.bookFill(e.fill, 'liquidation');
        if (this.deps.registry.getActiveBySymbol(e.symbol)) this.queued.push(e);
        return;
      case 'funding': {
        this.trades.onFunding(e.symbol, e.amount);
        const p = this.deps.registry.getActiveBySymbol(e.symbol);
        if (p) this.applyToPosition(p.id, { type: 'FUNDING', amount: e.amount }, e.ts);
        return;
      }
      case 'order_cancelled':
        if (this.isManaged(e.order.clientId)) {
          this.queued.push(e);
          // A protective order we did not cancel ourselves (kill switch, venue): re-protect next tick.
          if (!this.selfCancelled.delete(e.order.id) && e.order.reduceOnly) this.protectionDue = true;
        } else this.targetOrders.delete(e.order.clientId);
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ results

  /** Trades so far; positions still open are marked to `mark(symbol)` at `ts` (exit reason `open`). */
  tradeRecords(ts: number, mark: (symbol: SymbolId) => Decimal): TradeRecord[] {
    return this.trades.allTrades(ts, mark);
  }

  trace(): DecisionTrace {
    return this.recorder.trace();
  }

  funnel(): Funnel {
    return this.recorder.funnel();
  }

  intentLog(): readonly TraceIntent[] {
    return this.intents;
  }

  fillLog(): readonly TraceFill[] {
    return this.fills;
  }

  // ------------------------------------------------------------------ the tick's work

  // The steps below are awaited only when they have work: each await of an idle async step costs a
  // promise and a microtask hop, which adds up on the per-order path of a backtest.
  private async act(now: number, bars: ArrayLike<number>): Promise<void> {
    if (this.queued.length > 0) await this.routeQueued(now);
    if (this.trailing > 0) await this.markPositions(now, bars);
    if (this.closedPositions.length > 0) await this.recordClosedResults(now);
    const n = this.nSignals;
    this.nSignals = 0;
    if (n > 0) {
      let managed = 0;
      for (let j = 0; j < n; j++) {
        const sig = this.signals[j];
        const policy = this.strategies[sig.strategyIdx].policy;
        if (policy.kind === 'target_exposure')
          await this.targetExposure(now, sig, policy.fraction, policy.reverse);
        else managed++;
      }
      // Most managed signals stop at the cooldown gate: sorted out here, synchronously, before any
      // asynchronous step (same order of outcomes as one pass over them).
      const batch = managed > 0 ? this.managedCandidates(now, n) : null;
      if (batch !== null) await this.enterManaged(now, batch);
      // Orders placed this tick may already have reported fills (an instant-fill venue): route them now.
      if (this.queued.length > 0) await this.routeQueued(now);
      if (this.closedPositions.length > 0) await this.recordClosedResults(now);
    }
    if (this.protectionDue) await this.backfillProtection(now);
    // After a tick that changed nothing at the broker, the check is needed only when it is due anyway.
    const safety = this.deps.safety;
    if (safety && (this.brokerTouched || safety.due(now))) {
      const before = safety.state();
      await safety.check(now);
      // Out of a halt (auto-recovery): the TPs the kill switch cancelled go back next tick. A naked
      // position (first detection) gets its stop before the second detection would halt (seed Bug 7).
      if (before === 'HALTED' && safety.state() !== 'HALTED') this.protectionDue = true;
      if (safety.needsProtection()) this.protectionDue = true;
    }
    this.brokerTouched = false;
  }

  /**
   * Protection backfill (seed §7 "TP/SL Lifecycle", "After a Kill Switch Recovery"): every active
   * position gets the stop and the TP orders it is missing on the exchange (engine/positions
   * planProtection: a stale stop id goes through the Bug 7 cancel-then-place path, TPs are planned level
   * by level, Bug 5). While the system is HALTED only stops are placed: the kill switch cancelled the
   * TPs on purpose. Runs when a protective order disappeared without the trader cancelling it, and
   * after a halt is lifted; a live runner may also call it on its own schedule.
   */
  async backfillProtection(now: number): Promise<void> {
    this.protectionDue = false;
    const active = this.deps.registry
      .getAllActive()
      .filter((p) => p.state !== 'PENDING' && p.remainingQty.gt(0));
    if (active.length === 0) return;
    const halted = (this.deps.safety?.state() ?? 'NORMAL') === 'HALTED';
    const orders = await this.deps.broker.openOrders();
    for (const p of active) {
      const instrument = this.deps.instruments.get(p.symbol);
      const s = this.market.symbols.indexOf(p.symbol);
      if (instrument === undefined || s < 0) continue;
      const series = this.market.base[s];
      const price = dec(series.close[Math.max(0, lastBarAtOrBefore(series.ts, now - barMs(series)))]);
      const plan = planProtection(
        p,
        orders.filter((o) => o.symbol === p.symbol),
        price,
        this.fsmContext(now, instrument),
      );
      const actions = halted
        ? plan.actions.filter((a) => a.type === 'PLACE_STOP' || a.type === 'UPDATE_STOP')
        : plan.actions;
      if (plan.position !== p) {
        this.deps.registry.put(plan.position);
        this.deps.hooks?.onPositionChanged?.(plan.position);
      }
      if (actions.length > 0) {
        this.deps.logger.info(
          { symbol: p.symbol, position_id: p.id, actions: actions.map((a) => a.type), halted },
          'Protection backfill',
        );
        await this.execute(now, p.id, actions);
      }
    }
  }

  /** Target-exposure sizing (see SizingPolicy): one market order from the current to the target qty. */
  private async targetExposure(
    now: number,
    sig: PendingSignal,
    fraction: number,
    reverse: boolean,
  ): Promise<void> {
    const strategy = this.strategies[sig.strategyIdx];
    const symbol = this.market.symbols[sig.symbolIdx];
    const state = this.deps.safety?.state() ?? 'NORMAL';
    if (state !== 'NORMAL') return this.outcome(sig, `system_${state.toLowerCase()}`);
    if (this.deps.registry.getActiveBySymbol(symbol)) return this.outcome(sig, 'position_exists');
    const instrument = this.deps.instruments.get(symbol);
    if (instrument === undefined) return this.outcome(sig, 'no_instrument');
    let current: Decimal;
    let equity: number;
    if (this.deps.probe) {
      current = this.trades.positionQty(symbol);
      equity = this.deps.probe.equity();
    } else {
      const [account, positions] = await Promise.all([
        this.deps.broker.account(),
        this.deps.broker.positions(),
      ]);
      const pos = positions.find((p) => p.symbol === symbol);
      current = pos === undefined ? ZERO : pos.side === 'long' ? pos.qty : pos.qty.neg();
      equity = account.equity.toNumber();
    }
    const wantLong = sig.action > 0;
    if (!current.isZero() && current.isPositive() === wantLong)
      return this.outcome(sig, 'already_positioned');
    if (!current.isZero() && !reverse) return this.outcome(sig, 'opposite_position_held');
    // Float sizing, like the reference frameworks: fraction × equity / close, then the exact order
    // quantity ROUND_DOWN to the step.
    const targetAbs = dec((fraction * equity) / this.market.base[sig.symbolIdx].close[sig.bar]);
    let size: Decimal;
    let side: 'buy' | 'sell';
    if (targetAbs.isPositive() && !targetAbs.isZero()) {
      // |±target − current| without the signed intermediate: the target itself when flat, else (current is
      // on the other side) target + |current| — the same exact sum.
      size = current.isZero() ? targetAbs : wantLong ? targetAbs.minus(current) : targetAbs.plus(current);
      side = wantLong ? 'buy' : 'sell';
    } else {
      const delta = (wantLong ? targetAbs : targetAbs.neg()).minus(current);
      size = delta.abs();
      side = delta.isPositive() ? 'buy' : 'sell';
    }
    const qty = quantizeDown(size, instrument.qtyStep);
    if (qty.lt(instrument.minQty) || qty.isZero()) return this.outcome(sig, 'below_min_qty');
    const clientId = `${strategy.id}-${symbol}-${now}`;
    const reason = current.isZero() ? 'signal' : 'signal_reverse';
    const qtyText = qty.toFixed();
    const hooks = this.deps.hooks;
    if (hooks?.onIntent !== undefined) {
      const written = hooks.onIntent({
        ts: now,
        actionType: 'PLACE_ENTRY',
        positionId: null,
        symbol,
        side,
        qty: qtyText,
        price: null,
        clientId,
        orderId: null,
        reason,
      });
      if (written !== undefined) await written;
    }
    this.targetOrders.set(clientId, { strategyId: strategy.id, reason });
    const targetIntent = (
      orderId: string | null,
    ): Omit<IntentRecord, 'actionType'> & { actionType: string } => ({
      ts: now,
      actionType: 'TARGET_ORDER',
      positionId: null,
      symbol,
      side,
      qty: qtyText,
      price: null,
      clientId,
      orderId,
      reason,
    });
    try {
      this.brokerTouched = true;
      const order = await this.deps.broker.submitOrder({
        clientId,
        symbol,
        side,
        type: 'market',
        qty,
        reduceOnly: false,
      });
      const stored = this.recordIntent(targetIntent(order.id), strategy.id, 'ok');
      if (stored !== undefined) await stored;
      this.outcome(sig, current.isZero() ? 'entered' : 'reversed');
    } catch (err) {
      this.targetOrders.delete(clientId);
      const kind = err instanceof BrokerError ? err.kind : 'unknown';
      this.deps.logger.warn(
        { symbol, strategy: strategy.id, kind, err: err instanceof Error ? err.message : String(err) },
        'Target order refused',
      );
      const stored = this.recordIntent(targetIntent(null), strategy.id, kind);
      if (stored !== undefined) await stored;
      this.outcome(sig, `order_rejected:${kind}`);
      if (!(err instanceof BrokerError)) throw err;
    }
  }

  private outcome(sig: PendingSignal, outcome: string): void {
    this.recorder.setOutcome(sig.row, sig.strategyIdx, outcome);
  }

  /**
   * The first steps of the seed's chain for the managed-policy signals among the first `n` of this tick:
   * cooldown, then the candidate (null when none is left for the risk gates).
   */
  private managedCandidates(now: number, n: number): ManagedBatch | null {
    let batch: ManagedBatch | null = null;
    for (let j = 0; j < n; j++) {
      const sig = this.signals[j];
      if (this.strategies[sig.strategyIdx].policy.kind === 'target_exposure') continue;
      const prepared = this.strategies[sig.strategyIdx].prepared[sig.symbolIdx];
      if (prepared === null) continue;
      // A symbol already cooling down is refused by the cooldown gate first whatever the rest says (the
      // gate records nothing then), so skip describing it and asking the broker for the risk context.
      if (this.deps.risk.cooldown.isActive(this.market.symbols[sig.symbolIdx], now)) {
        this.recorder.setOutcome(sig.row, sig.strategyIdx, 'cooldown:SIGNAL_COOLDOWN');
        continue;
      }
      const d = prepared.describe(sig.bar);
      const c = this.candidateOf(d, now);
      if (c === null) {
        this.recorder.setOutcome(sig.row, sig.strategyIdx, 'invalid:no_stop');
        continue;
      }
      batch ??= { candidates: [], byCandidate: new Map() };
      batch.candidates.push(c);
      batch.byCandidate.set(c, { ...sig });
    }
    return batch;
  }

  /** The rest of the seed's chain for stop-and-target strategies: risk → auction → FSM. */
  private async enterManaged(now: number, batch: ManagedBatch): Promise<void> {
    const ctx = await this.riskContext(now);
    if (ctx.systemState === 'DEGRADED' && this.refuseDegraded(ctx, batch)) return;
    const accepted = this.planManaged(ctx, batch);
    // Opening positions is its own async step: most calls open none, and a suspended async function keeps
    // every register of its body, so the common path stays small.
    if (accepted.length > 0) await this.openAccepted(now, accepted, batch.byCandidate);
  }

  /** Auction and risk over the batch (entry-planner): records the refusals, returns the entries to open. */
  private planManaged(ctx: RiskContext, batch: ManagedBatch): readonly ApprovedTrade[] {
    const plan = planEntries(batch.candidates, ctx, {
      risk: this.deps.risk,
      auction: this.deps.auction,
      lastPartialCloseAt: this.deps.registry.lastPartialCloseAt(),
    });
    for (const r of plan.rejected) {
      const sig = batch.byCandidate.get(r.candidate);
      if (sig) this.recorder.setOutcome(sig.row, sig.strategyIdx, `${r.stage}:${r.reason}`);
    }
    return plan.accepted;
  }

  /** Opens each approved entry in auction order: its position in the FSM, then its orders. */
  private async openAccepted(
    now: number,
    accepted: readonly ApprovedTrade[],
    byCandidate: ReadonlyMap<TradeCandidate, PendingSignal>,
  ): Promise<void> {
    for (const trade of accepted) {
      const sig = byCandidate.get(trade.candidate);
      if (sig === undefined) continue;
      const strategyId = this.strategies[sig.strategyIdx].id;
      const instrument = this.deps.instruments.get(trade.symbol);
      if (instrument === undefined) {
        this.recorder.setOutcome(sig.row, sig.strategyIdx, 'no_instrument');
        continue;
      }
      const opened = openPosition(
        {
          id: positionIdFor(trade.symbol, now),
          symbol: trade.symbol,
          side: trade.side,
          qty: trade.qty,
          stop: trade.candidate.stop,
          takeProfits: trade.candidate.takeProfits,
          score: trade.candidate.score,
          setupType: trade.candidate.setupType ?? null,
          atr: trade.candidate.atr ?? null,
        },
        this.fsmContext(now, instrument),
      );
      this.deps.registry.put(opened.position);
      this.positionOwner.set(opened.position.id, strategyId);
      this.deps.hooks?.onPositionChanged?.(opened.position);
      const ok = await this.execute(now, opened.position.id, opened.actions);
      this.recorder.setOutcome(sig.row, sig.strategyIdx, ok ? 'entered' : 'entry_failed');
    }
  }

  /**
   * {@link planEntries} for a DEGRADED system, without its auction: DEGRADED admits no new entry, so every
   * candidate that passes the cooldown is refused by `RiskManager.evaluate` (DEGRADED or an earlier gate)
   * and the auction gets no bid. With one candidate per symbol (no duplicate to drop) and a silent logger
   * (an auction without bids then does nothing at all), this records the same outcomes in the same order,
   * with the same cooldown records and risk logs, and returns true; otherwise it does nothing and returns
   * false (the full plan runs). Most signal ticks of a backtest in a drawdown end here.
   */
  private refuseDegraded(ctx: RiskContext, batch: ManagedBatch): boolean {
    const { candidates, byCandidate } = batch;
    if (!isSilent(this.deps.logger)) return false;
    for (let j = 1; j < candidates.length; j++) {
      for (let k = 0; k < j; k++) if (candidates[k].symbol === candidates[j].symbol) return false;
    }
    const risk = this.deps.risk;
    for (const c of candidates) {
      const sig = byCandidate.get(c);
      let outcome: string;
      if (!risk.admitSignal(c.symbol, ctx.now)) outcome = 'cooldown:SIGNAL_COOLDOWN';
      else {
        const d = risk.evaluate(c, ctx);
        // Unreachable while DEGRADED (the gate refuses every entry); kept so that a change there cannot
        // silently drop an approved entry here.
        if (d.approved) throw new Error(`risk approved an entry for ${c.symbol} while DEGRADED`);
        outcome = sizingOutcome(d.reason);
      }
      if (sig) this.recorder.setOutcome(sig.row, sig.strategyIdx, outcome);
    }
    return true;
  }

  private candidateOf(d: Decision<object>, now: number): TradeCandidate | null {
    if (d.action === 'NO_SIGNAL' || d.entry === null || d.stop === null) return null;
    return new SignalCandidate(d, d.entry, d.stop, now);
  }

  private async riskContext(now: number): Promise<RiskContext> {
    const [account, positions] = await Promise.all([
      this.deps.broker.account(),
      this.deps.broker.positions(),
    ]);
    this.deps.risk.onTick(now, account.equity);
    this.deps.risk.exposureGuard.update(positions);
    return {
      now,
      equity: account.equity,
      marginUsed: account.marginUsed,
      positions,
      activeSymbols: this.deps.registry.activeSymbols(),
      systemState: this.deps.safety?.state() ?? 'NORMAL',
      instruments: this.deps.instruments,
    };
  }

  // ------------------------------------------------------------------ position management

  private fsmContext(now: number, instrument: Instrument): FsmContext {
    return { now, instrument, config: this.deps.positions, logger: this.deps.logger };
  }

  private applyToPosition(id: string, e: PositionEvent, now: number): readonly PositionAction[] {
    const p = this.deps.registry.get(id);
    if (p === undefined) return [];
    const instrument = this.deps.instruments.get(p.symbol);
    if (instrument === undefined) {
      this.deps.logger.error({ symbol: p.symbol, position_id: id }, 'No instrument for a managed position');
      return [];
    }
    const wasTrailing = p.breakEvenTriggered || p.trailingActive;
    const t = this.deps.registry.apply(id, e, this.fsmContext(now, instrument));
    const next = t.position;
    const isTrailing = (next.breakEvenTriggered || next.trailingActive) && next.remainingQty.gt(0);
    const stillActive = next.state !== 'CLOSED' && next.state !== 'CANCELLED' && next.state !== 'ERROR';
    const counted = wasTrailing && p.remainingQty.gt(0);
    if (counted && !(isTrailing && stillActive)) this.trailing--;
    else if (!counted && isTrailing && stillActive) this.trailing++;
    if (next !== p) this.deps.hooks?.onPositionChanged?.(next);
    if (!stillActive && (p.state === 'OPEN' || p.state === 'TP1_FILLED' || p.state === 'TP2_FILLED')) {
      this.positionClosed(next);
    }
    return t.actions;
  }

  private positionClosed(p: ManagedPosition): void {
    this.closedPositions.push(p);
    this.deps.logger.info(
      {
        symbol: p.symbol,
        position_id: p.id,
        exit_reason: p.exitReason,
        net_pnl: netPnl(p).toFixed(),
      },
      'POSITION_CLOSED',
    );
  }

  /** Feeds the net P&L of positions closed since the last call to the daily loss limit (seed §13). */
  private async recordClosedResults(now: number): Promise<void> {
    if (this.closedPositions.length === 0) return;
    const closed = this.closedPositions.splice(0);
    const { equity } = await this.deps.broker.account();
    for (const p of closed) this.deps.risk.recordTradeResult(netPnl(p), now, equity);
  }

  /** Executes actions of one position in order, feeding each result back into the FSM. */
  private async execute(
    now: number,
    positionId: string,
    actions: readonly PositionAction[],
  ): Promise<boolean> {
    let ok = true;
    const strategyId = this.positionOwner.get(positionId) ?? null;
    for (const a of actions) {
      if (a.type === 'CLOSE_POSITION') this.closeReasons.set(a.clientId, EXIT_REASON_NAMES[a.reason]);
      if (a.type === 'CANCEL_ORDER') this.selfCancelled.add(a.orderId);
      if (a.type === 'UPDATE_STOP' && a.oldOrderId !== null) this.selfCancelled.add(a.oldOrderId);
      this.brokerTouched = true;
      const result = await executeAction(this.deps.broker, a, {
        logger: this.deps.logger,
        now,
        stopTrigger: this.deps.positions.stop_trigger,
        recordIntent: this.writeAheadIntent,
      });
      const written = toIntentRecord(a, now);
      const base: IntentRecord = { ...written, orderId: result.order?.id ?? written.orderId };
      const kind = result.ok ? 'ok' : result.error instanceof BrokerError ? result.error.kind : 'unknown';
      const stored = this.recordIntent(base, strategyId, kind);
      if (stored !== undefined) await stored;
      if (!result.ok) {
        ok = false;
        if (a.type === 'PLACE_ENTRY') {
          this.applyToPosition(positionId, { type: 'ENTRY_ENDED', status: 'rejected' }, now);
        }
        continue;
      }
      for (const e of result.events) {
        const more = this.applyToPosition(positionId, e, now);
        if (more.length > 0) await this.execute(now, positionId, more);
      }
    }
    return ok;
  }

  /** Feeds queued broker events to the FSM and executes what it asks for. */
  private async routeQueued(now: number): Promise<void> {
    if (this.queued.length > 0) this.brokerTouched = true;
    while (this.queued.length > 0) {
      // Events arriving while a batch is routed go to the other array; the two take turns.
      const batch = this.queued;
      this.queued = this.spareQueue;
      for (const e of batch) {
        const routed = this.positionEventOf(e);
        if (routed === null) continue;
        const actions = this.applyToPosition(routed.positionId, routed.event, now);
        if (actions.length > 0) await this.execute(now, routed.positionId, actions);
      }
      batch.length = 0;
      this.spareQueue = batch;
    }
  }

  private positionEventOf(e: EngineEvent): { positionId: string; event: PositionEvent } | null {
    if (e.kind === 'liquidation') {
      const p = this.deps.registry.getActiveBySymbol(e.symbol);
      return p
        ? { positionId: p.id, event: { type: 'EXTERNAL_CLOSE', reason: 'LIQUIDATION', price: e.price } }
        : null;
    }
    if (e.kind === 'order_filled' || e.kind === 'order_partially_filled') {
      const routed = routeFill(this.deps.registry, e.fill);
      return routed === null ? null : { positionId: routed.position.id, event: routed.event };
    }
    if (e.kind === 'order_cancelled') {
      const parsed = parseClientId(e.order.clientId);
      if (parsed === null || this.deps.registry.get(parsed.positionId) === undefined) return null;
      if (parsed.role === 'entry') {
        return { positionId: parsed.positionId, event: { type: 'ENTRY_ENDED', status: 'cancelled' } };
      }
      return { positionId: parsed.positionId, event: { type: 'ORDER_GONE', orderId: e.order.id } };
    }
    return null;
  }

  /** MARK events for positions whose stop may trail, at their symbol's latest close. */
  private async markPositions(now: number, bars: ArrayLike<number>): Promise<void> {
    for (const p of this.deps.registry.getAllActive()) {
      if (!(p.breakEvenTriggered || p.trailingActive) || p.remainingQty.lte(0)) continue;
      const s = this.market.symbols.indexOf(p.symbol);
      const i = s >= 0 ? bars[s] : -1;
      if (i < 0) continue;
      const actions = this.applyToPosition(
        p.id,
        { type: 'MARK', price: dec(this.market.base[s].close[i]) },
        now,
      );
      if (actions.length > 0) await this.execute(now, p.id, actions);
    }
  }

  // ------------------------------------------------------------------ bookkeeping

  private isManaged(clientId: string): boolean {
    const parsed = parseClientId(clientId);
    return parsed !== null && this.deps.registry.get(parsed.positionId) !== undefined;
  }

  /** Why a fill happened, as trade records name it (used when it closes a trade). */
  private reasonOfFill(fill: Fill): string {
    const target = this.targetOrders.get(fill.clientId);
    if (target) return target.reason;
    const closeReason = this.closeReasons.get(fill.clientId);
    if (closeReason) return closeReason;
    const parsed = parseClientId(fill.clientId);
    if (parsed === null) return 'external';
    const p = this.deps.registry.get(parsed.positionId);
    switch (parsed.role) {
      case 'entry':
        return 'entry';
      case 'tp':
        return 'take_profit';
      case 'close':
        return 'manual';
      case 'stop':
        return p?.trailingActive ? 'trailing_stop' : p?.breakEvenTriggered ? 'break_even_stop' : 'stop_loss';
    }
  }

  private strategyOfFill(fill: Fill): string {
    const target = this.targetOrders.get(fill.clientId);
    if (target) return target.strategyId;
    const parsed = parseClientId(fill.clientId);
    if (parsed) {
      const owner = this.positionOwner.get(parsed.positionId);
      if (owner) return owner;
    }
    return 'external';
  }

  private bookFill(fill: Fill, reason: string): void {
    if (this.seenFills.has(fill.id)) return;
    this.seenFills.add(fill.id);
    const wasOpen = this.trades.closed.length;
    this.trades.onFill(fill, this.strategyOfFill(fill), reason);
    const rec: TraceFill = {
      ts: fill.ts,
      clientId: fill.clientId,
      symbol: fill.symbol,
      side: fill.side,
      qty: fill.qty.toFixed(),
      price: fixedText(fill.price),
      fee: fill.fee.toFixed(),
      liquidity: fill.liquidity,
      reduceOnly: fill.reduceOnly,
    };
    this.fills.push(rec);
    this.deps.hooks?.onFill?.(fill, rec);
    if (this.deps.hooks?.onTradeClosed) {
      for (let i = wasOpen; i < this.trades.closed.length; i++)
        this.deps.hooks.onTradeClosed(this.trades.closed[i]);
    }
  }

  private targetOrderFilled(
    e: Extract<EngineEvent, { kind: 'order_filled' | 'order_partially_filled' }>,
  ): void {
    if (e.kind === 'order_filled') this.targetOrders.delete(e.fill.clientId);
  }

  /** Keeps the intent's outcome; returns the hook's promise, if any, for the caller to await. */
  private recordIntent(
    r: IntentRecord | (Omit<IntentRecord, 'actionType'> & { actionType: string }),
    strategyId: string | null,
    status: string,
  ): void | Promise<void> {
    // An explicit literal (same keys, same order as the record): a spread of a spread is much slower.
    const rec: TraceIntent = {
      ts: r.ts,
      actionType: r.actionType,
      positionId: r.positionId,
      symbol: r.symbol,
      side: r.side,
      qty: r.qty,
      price: r.price,
      clientId: r.clientId,
      orderId: r.orderId,
      reason: r.reason,
      strategyId,
      status,
    };
    this.intents.push(rec);
    return this.deps.hooks?.onIntentResult?.(rec);
  }
}
