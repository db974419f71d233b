import { performance } from 'node:perf_hooks';
import type { CandleSeries } from '../../data/candles/series.ts';
import type { MarketRegistryConfigInput } from '../../data/markets/index.ts';
import { alignDown, TIMEFRAME_MS, type Timeframe } from '../../data/timeframes.ts';
import type { BacktestConfig, StrategySpec } from '../../engine/backtest/config.ts';
import { completeFeed } from '../../engine/backtest/feed.ts';
import type { TraceIntent } from '../../engine/backtest/types.ts';
import { BrokerError, type Fill, type Instrument, type Symbol as SymbolId } from '../../engine/broker.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import type { IntentRecord, PositionAction } from '../../engine/positions/actions.ts';
import { parseClientId } from '../../engine/positions/client-id.ts';
import { executeAction } from '../../engine/positions/execute.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import { syncWithExchange } from '../../engine/positions/sync.ts';
import type { FsmContext, ManagedPosition } from '../../engine/positions/types.ts';
import { strategyOfSpec } from '../../engine/research/checks/strategies.ts';
import { requiredWarmupMs } from '../../engine/research/checks/warmup.ts';
import { RiskManager, type RiskManagerState } from '../../engine/risk/risk-manager.ts';
import { type SafetySnapshot, SafetySupervisor } from '../../engine/safety/supervisor.ts';
import type { SystemState } from '../../engine/safety/types.ts';
import { type AccountProbe, SupervisorGate } from '../../engine/trader/safety-gate.ts';
import type { StrategyBinding } from '../../engine/trader/types.ts';
import { Trader } from '../../engine/trader.ts';
import type { Decision, Strategy } from '../../strategies/strategy.ts';
import type { KrakenFuturesBroker } from '../kraken/broker.ts';
import type { JsonValue, LiveStore } from '../store/live-store.ts';
import { CandleCache } from './candle-cache.ts';
import type { CandleFeed } from './candle-feed.ts';
import { mapLimit } from './concurrency.ts';
import { OrderEventSource, TrackingBroker } from './order-events.ts';
import { STATE_KEYS } from './state-keys.ts';
import { SteppedSmc } from './stepped-strategy.ts';
import { krakenUniverseSource, LiveUniverse, type UniverseSource } from './universe.ts';

/**
 * The live runner: the same Trader the backtest runs (engine/trader.ts), assembled on the Kraken Futures
 * broker, a clock, the candle feed and the live store (STYLE: backtest and live are thin assemblies of
 * the same engines). Per tick:
 *
 * 1. broker events — open orders and new fills become the engine's order events (./order-events.ts);
 * 2. the universe — every 4 h (and at startup) the MarketRegistry classifies the candidates from the
 *    venue's tickers, with shrink protection (./universe.ts, seed §15);
 * 3. candles — symbols whose bar closed (candle-boundary caching, 30 s floor) are fetched with bounded
 *    concurrency over the universe and the symbols of open positions (seed §14, §15);
 * 4. the Trader's tick at the bar boundary, on candles closed by it (the backtest's decision time). The
 *    Trader's market is every candidate listed at startup; strategies are built lazily and decide only
 *    for symbols in the current universe. A symbol that leaves it keeps its candles while a managed
 *    position is open in it, so the position is still trailed, protected and closed;
 * 5. reconciliation with the exchange every ~120 s (engine/positions/sync.ts: phantoms imported, never
 *    flattened, PENDING adopted — seed Bugs 3 and 6);
 * 6. persistence (positions, intents, fills, trades, halt/safety/risk state) and one `CYCLE_SUMMARY` line.
 *
 * Startup order (seed §7): credentials (a wrong key stops here, before anything trades) → stored positions
 * and instruments → universe discovery and leverage → stored safety/risk state → candles → sync orders and
 * fills → resolve intents a crash left pending → reconcile and import phantoms → trade.
 */

export interface LiveRunnerOptions {
  /** Trading config: strategy, risk, positions, safety, sim (leverage), backtest.strategies. */
  config: BacktestConfig;
  /**
   * Candidate symbols: the universe is discovered among them at startup and every 4 h (seed §15, §16).
   * Only candidates the venue lists at startup can be traded by this process.
   */
  symbols: readonly SymbolId[];
  /**
   * Universe discovery. Default: every candidate pinned Tier A, i.e. traded while the venue lists it and
   * has not suspended it, whatever its liquidity.
   */
  universe?: {
    /** MarketRegistry settings (tiers, pinned majors, shrink ratio, refresh interval); default `{ pinnedTierA: symbols }`. */
    registry?: MarketRegistryConfigInput;
    /** Where the venue's liquidity is read (default: the broker's tickers and instruments). */
    source?: UniverseSource;
  };
  baseTimeframe: Timeframe;
  broker: KrakenFuturesBroker;
  candles: CandleFeed;
  store: LiveStore;
  clock: Clock;
  logger: Logger;
  /** Symbols fetched and decided at once (seed: Semaphore(50)). */
  concurrency?: number;
  /** Reconciliation period (seed: ~120 s). */
  reconcileEveryMs?: number;
  /** Candle refetch floor (seed: 30 s). */
  candleFloorMs?: number;
  /** Absolute start of the candle history (default: now minus the strategies' warm-up). */
  historyFrom?: number;
  /** Set this leverage on every traded contract at startup (default: `config.sim.leverage`; null = leave). */
  leverage?: number | null;
  /** After each successful reconciliation (ops: last-reconciliation time). */
  onReconciled?: (at: number) => void;
}

export interface CycleSummary {
  cycle: number;
  duration_ms: number;
  positions: number;
  universe: number;
  system_state: SystemState;
  cooldowns_active: number;
}

const SAFETY_KEY = STATE_KEYS.safety;
const RISK_KEY = STATE_KEYS.risk;
const UNIVERSE_KEY = STATE_KEYS.universe;

/** One registry of strategy kinds for backtests, checks and live (engine/research/checks/strategies.ts). */
function strategyOf(spec: StrategySpec, config: BacktestConfig): Strategy<Decision<object>> {
  return strategyOfSpec(spec, config);
}

export class LiveRunner {
  private readonly o: LiveRunnerOptions;
  private readonly span: number;
  private readonly events: OrderEventSource;
  private readonly broker: TrackingBroker;
  private readonly registry = new PositionRegistry();
  private readonly cache: CandleCache;
  private readonly strategies: Strategy<Decision<object>>[];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly universe: LiveUniverse;
  /** The Trader's market: candidates (and symbols of stored positions) listed at startup. */
  private symbols: SymbolId[] = [];
  /** The universe in force, within the market: the symbols strategies decide. */
  private active = new Set<SymbolId>();
  /** Symbols whose strategies must catch up with their candles at the next decision. */
  private readonly dirty = new Set<SymbolId>();
  private readonly leveraged = new Set<SymbolId>();
  private readonly unlistedLogged = new Set<string>();
  private instruments = new Map<SymbolId, Instrument>();
  private trader: Trader | null = null;
  private bindings: StrategyBinding[] = [];
  private base: CandleSeries[] = [];
  private risk: RiskManager | null = null;
  private supervisor: SafetySupervisor | null = null;
  private gate: SupervisorGate | null = null;
  private probeState = { equity: 0, marginUsed: 0, open: 0 };
  private cycle = 0;
  private startedAt = 0;
  private lastDecision = Number.NEGATIVE_INFINITY;
  private lastReconcile = Number.NEGATIVE_INFINITY;
  private savedSafety = '';
  private savedRisk = '';
  private writeFailure: unknown = null;

  constructor(opts: LiveRunnerOptions) {
    this.o = opts;
    this.span = TIMEFRAME_MS[opts.baseTimeframe];
    this.strategies = opts.config.backtest.strategies.map((s) => strategyOf(s, opts.config));
    this.events = new OrderEventSource({ logger: opts.logger, lookbackMs: Math.max(this.span, 3_600_000) });
    this.broker = new TrackingBroker(
      opts.broker,
      this.events,
      () => opts.clock.now(),
      () => this.flush(),
    );
    this.cache = new CandleCache(opts.candles, opts.baseTimeframe, {
      historyMs: requiredWarmupMs(opts.config, opts.baseTimeframe),
      floorMs: opts.candleFloorMs,
      ...(opts.historyFrom === undefined ? {} : { historyFrom: opts.historyFrom }),
    });
    this.universe = new LiveUniverse({
      candidates: opts.symbols,
      registry: opts.universe?.registry ?? { pinnedTierA: [...opts.symbols] },
      source: opts.universe?.source ?? krakenUniverseSource(opts.broker.client),
      logger: opts.logger,
    });
  }

  /** The universe in force (symbols strategies decide), in market order. */
  universeSymbols(): SymbolId[] {
    return this.symbols.filter((s) => this.active.has(s));
  }

  /** Active positions of the registry (what CYCLE_SUMMARY counts). */
  activePositions(): ManagedPosition[] {
    return this.registry.getAllActive();
  }

  systemState(): SystemState {
    return this.gate?.state() ?? 'NORMAL';
  }

  /** The risk manager once started (its daily-loss tracker is reset at 00:00 UTC by the ops layer). */
  get riskManager(): RiskManager | null {
    return this.risk;
  }

  // ------------------------------------------------------------------ startup

  async start(): Promise<void> {
    const { logger, store, config } = this.o;
    const now = this.o.clock.now();
    this.startedAt = now;
    // 1. credentials: a refused key stops the runner before it trades
    await this.o.broker.verifyCredentials();
    // 2. instruments: the market is every listed candidate, and every symbol a stored position is in
    for (const p of await store.loadPositions()) this.registry.put(p);
    const listed = new Map((await this.o.broker.instruments()).map((i) => [i.symbol, i]));
    const held = this.registry.getAllActive().map((p) => p.symbol);
    for (const s of new Set([...this.o.symbols, ...held])) {
      const inst = listed.get(s);
      if (inst) {
        this.symbols.push(s);
        this.instruments.set(s, inst);
      } else logger.warn({ symbol: s }, 'Symbol not listed on the exchange: left out of the universe');
    }
    if (!this.o.symbols.some((s) => listed.has(s)))
      throw new BrokerError('invalid_order', 'none of the configured symbols is listed');
    // 3. universe (the stored one is the shrink baseline) and leverage on it
    this.universe.restore(await store.getState(UNIVERSE_KEY));
    await this.refreshUniverse(now);
    // 4. stored state
    const safety = (await store.getState(SAFETY_KEY)) as SafetySnapshot | undefined;
    const halt = await store.loadHaltState();
    const riskState = (await store.getState(RISK_KEY)) as RiskManagerState | undefined;
    this.events.markSeen(await store.fills(now - 7 * 86_400_000));
    this.risk = new RiskManager(config.risk, logger, riskState);
    // 5. candles of the universe and of the open positions
    await this.refreshCandles(now, this.tracked());
    // the halt is stored on its own too (operators read and clear it): it wins over the snapshot's copy
    this.buildTrader({
      halt,
      monitor: safety?.monitor ?? { peakEquity: null, nakedConsecutive: 0 },
      autoRecoveries: safety?.autoRecoveries ?? [],
    });
    // 6. sync orders and fills, then resolve what a crash left pending, then reconcile and import phantoms
    await this.pollEvents(now);
    await this.resolvePendingIntents(now);
    await this.reconcile(now);
    await this.flush();
    logger.info(
      { universe: this.active.size, positions: this.registry.getAllActive().length, halted: halt.active },
      'LIVE_STARTED',
    );
  }

  private concurrency(): number {
    return this.o.concurrency ?? 50;
  }

  /** Sets the leverage preference on symbols that have not had it yet (default: `config.sim.leverage`). */
  private async setLeverage(symbols: readonly SymbolId[]): Promise<void> {
    const leverage = this.o.leverage === undefined ? this.o.config.sim.leverage : this.o.leverage;
    const todo = symbols.filter((s) => !this.leveraged.has(s));
    if (leverage === null || todo.length === 0) return;
    await mapLimit(todo, this.concurrency(), async (s) => {
      const lev = Math.min(leverage, this.instruments.get(s)?.maxLeverage ?? leverage);
      this.leveraged.add(s);
      try {
        await this.o.broker.setLeverage(s, lev);
      } catch (err) {
        // authentication was checked at startup; anything else leaves the venue's setting in place
        this.o.logger.warn(
          { symbol: s, leverage: lev, err: (err as Error).message },
          'Leverage preference not set',
        );
      }
    });
  }

  // ------------------------------------------------------------------ universe

  /**
   * One discovery (seed §15): classifies the candidates from the venue's tickers and applies the result
   * with shrink protection (the registry logs UNIVERSE_SHRINK_REJECTED and keeps the old universe). The
   * accepted universe, within the market, becomes the set strategies decide: a symbol that joins gets its
   * leverage and, once its candles are in, its strategies; one that leaves stops being decided, and its
   * candles are dropped unless a managed position is open in it.
   */
  private async refreshUniverse(now: number): Promise<void> {
    const update = await this.universe.refresh(now);
    if (update !== null) {
      const json = this.universe.toJson();
      if (json !== null) this.write(this.o.store.setState(UNIVERSE_KEY, json, now));
    }
    const next = new Set<SymbolId>();
    for (const s of this.universe.symbols()) {
      if (this.instruments.has(s)) next.add(s);
      else if (!this.unlistedLogged.has(s)) {
        this.unlistedLogged.add(s);
        this.o.logger.warn({ symbol: s }, 'Universe symbol was not listed at startup: restart to trade it');
      }
    }
    const added = [...next].filter((s) => !this.active.has(s));
    const removed = [...this.active].filter((s) => !next.has(s));
    this.active = next;
    for (const s of added) this.dirty.add(s);
    for (const s of removed) this.leaveUniverse(s);
    await this.setLeverage(added);
    if (update?.accepted) {
      this.o.logger.info(
        {
          event: update.event,
          universe: next.size,
          added,
          removed,
          tiers_changed: update.tierChanged.length,
        },
        `${update.event} universe=${next.size}`,
      );
    }
  }

  private leaveUniverse(symbol: SymbolId): void {
    const s = this.symbols.indexOf(symbol);
    for (const b of this.bindings) b.prepared[s] = null;
    this.dirty.delete(symbol);
    if (this.registry.getActiveBySymbol(symbol)) {
      this.o.logger.info({ symbol }, 'Symbol left the universe: its open position is managed until closed');
    } else this.dropCandles(symbol);
    if (this.bindings.some((b) => b.policy.kind === 'target_exposure')) {
      this.o.logger.warn(
        { symbol },
        'Symbol left the universe: target-exposure strategies stop trading it (exposure they hold there is left as is)',
      );
    }
  }

  private dropCandles(symbol: SymbolId): void {
    this.cache.forget(symbol);
    const s = this.symbols.indexOf(symbol);
    if (s >= 0 && s < this.base.length) this.base[s] = this.emptySeries(symbol);
  }

  /** Symbols whose candles are kept: the universe, and every symbol with an active managed position. */
  private tracked(): SymbolId[] {
    const held = new Set(this.registry.getAllActive().map((p) => p.symbol));
    return this.symbols.filter((s) => this.active.has(s) || held.has(s));
  }

  private buildTrader(safetyState: SafetySnapshot): void {
    const { config, logger } = this.o;
    this.base = this.symbols.map((s) => this.cache.series(s) ?? this.emptySeries(s));
    this.bindings = config.backtest.strategies.map((spec, k) => ({
      id: spec.id,
      reasonNames: this.strategies[k].reasonNames,
      prepared: this.symbols.map(() => null),
      policy:
        spec.kind === 'ema_cross'
          ? { kind: 'target_exposure', fraction: spec.fraction, reverse: spec.reverse }
          : { kind: 'managed' },
    }));
    for (let s = 0; s < this.symbols.length; s++) this.prepare(s);
    this.dirty.clear();
    const risk = this.risk ?? new RiskManager(config.risk, logger);
    const probe: AccountProbe = {
      equity: () => this.probeState.equity,
      marginUsed: () => this.probeState.marginUsed,
      openPositions: () => this.probeState.open,
    };
    if (config.backtest.safety) {
      this.supervisor = new SafetySupervisor(config.safety, logger, {
        startedAt: this.startedAt,
        state: safetyState,
      });
      this.gate = new SupervisorGate(this.supervisor, this.broker, probe, config.safety);
    }
    this.trader = new Trader(
      {
        clock: this.o.clock,
        broker: this.broker,
        logger,
        risk,
        auction: new AuctionAllocator(
          {
            maxMarginUtil: config.risk.auction_max_margin_util,
            partialCloseCooldownSeconds: config.risk.auction_partial_close_cooldown_seconds,
          },
          logger,
        ),
        registry: this.registry,
        positions: config.positions,
        instruments: this.instruments,
        ...(this.gate ? { safety: this.gate } : {}),
        hooks: {
          onIntent: (r) => this.write(this.o.store.recordIntent(r)),
          onIntentResult: (r: TraceIntent) => this.write(this.o.store.resolveIntent(r)),
          onFill: (f: Fill) => {
            this.write(this.o.store.recordFills([f]));
          },
          onTradeClosed: (t) => {
            this.write(this.o.store.recordTrade(t));
          },
          onPositionChanged: (p) => {
            this.write(this.o.store.savePosition(p));
          },
        },
      },
      { market: { symbols: this.symbols, base: this.base }, strategies: this.bindings, trace: 'none' },
    );
    this.events.subscribe((e) => this.trader?.onBrokerEvent(e));
  }

  private emptySeries(symbol: string): CandleSeries {
    const z = new Float64Array(0);
    return {
      source: 'live',
      symbol,
      timeframe: this.o.baseTimeframe,
      length: 0,
      ts: z,
      open: z,
      high: z,
      low: z,
      close: z,
      volume: z,
    };
  }

  /**
   * Brings every strategy of symbol index `s` up to its current candles: the SMC strategy steps through
   * the new bars (./stepped-strategy.ts); others are prepared again over the whole history. A symbol out
   * of the universe only gets its candles (for its position), no strategy.
   */
  private prepare(s: number): void {
    const symbol = this.symbols[s];
    const series = this.cache.series(symbol);
    if (!series || series.length === 0) return;
    this.base[s] = series;
    if (!this.active.has(symbol)) return;
    const base = this.o.baseTimeframe;
    for (let k = 0; k < this.strategies.length; k++) {
      const spec = this.o.config.backtest.strategies[k];
      const current = this.bindings[k].prepared[s];
      if (spec.kind === 'smc') {
        const stepped =
          current instanceof SteppedSmc ? current : new SteppedSmc(this.o.config.strategy, symbol, base);
        stepped.extend(series);
        this.bindings[k].prepared[s] = stepped;
        continue;
      }
      const strategy = this.strategies[k];
      const candles = completeFeed(
        { baseTimeframe: base, candles: { [symbol]: { [base]: series } } },
        strategy.requiredTimeframes(base),
      )[symbol];
      this.bindings[k].prepared[s] = strategy.prepare({ symbol, baseTimeframe: base, candles });
    }
  }

  // ------------------------------------------------------------------ one tick

  /** One cycle at the clock's time. Never throws for a single symbol's failure; logs CYCLE_SUMMARY. */
  async tick(): Promise<CycleSummary> {
    const trader = this.trader;
    if (trader === null) throw new Error('LiveRunner.tick before start()');
    const t0 = performance.now();
    const now = this.o.clock.now();
    this.cycle++;
    await this.pollEvents(now);
    if (this.universe.isRefreshDue(now)) await this.refreshUniverse(now);

    const tracked = this.tracked();
    this.dropUntracked(tracked);
    const due = tracked.filter((s) => this.cache.due(s, now));
    for (const s of await this.refreshCandles(now, due)) this.dirty.add(s);
    const boundary = alignDown(now, this.o.baseTimeframe);
    const bars = new Int32Array(this.symbols.length).fill(-1);
    let decisionTime = now;
    if (boundary > this.lastDecision) {
      for (let s = 0; s < this.symbols.length; s++) {
        if (this.dirty.has(this.symbols[s])) this.prepare(s);
        const series = this.base[s];
        const i = series.length - 1;
        if (i >= 0 && series.ts[i] + this.span === boundary) bars[s] = i;
      }
      this.dirty.clear();
      this.lastDecision = boundary;
      decisionTime = boundary;
    }
    if (this.gate) await this.refreshProbe();
    const work = trader.tick(decisionTime, bars);
    if (work !== undefined) await work;
    if (now - this.lastReconcile >= (this.o.reconcileEveryMs ?? 120_000)) await this.reconcile(now);
    await this.flush();
    await this.persistState(now);
    return this.summary(now, performance.now() - t0);
  }

  /** Candles of symbols neither in the universe nor holding a position any more (a position closed after its symbol left). */
  private dropUntracked(tracked: readonly SymbolId[]): void {
    if (tracked.length === this.symbols.length) return;
    const keep = new Set(tracked);
    for (const s of this.symbols) if (!keep.has(s) && this.cache.has(s)) this.dropCandles(s);
  }

  private summary(now: number, durationMs: number): CycleSummary {
    const s: CycleSummary = {
      cycle: this.cycle,
      duration_ms: Math.round(durationMs),
      positions: this.registry.getAllActive().length,
      universe: this.active.size,
      system_state: this.systemState(),
      cooldowns_active: this.risk?.cooldown.activeCount(now) ?? 0,
    };
    this.o.logger.info(
      s,
      `CYCLE_SUMMARY cycle=${s.cycle} duration_ms=${s.duration_ms} positions=${s.positions} universe=${s.universe} ` +
        `system_state=${s.system_state} cooldowns_active=${s.cooldowns_active}`,
    );
    return s;
  }

  private async pollEvents(now: number): Promise<void> {
    const fresh = await this.events.poll(this.o.broker, now, this.startedAt - this.span);
    if (fresh.length > 0) this.write(this.o.store.recordFills(fresh));
  }

  /** Fetches candles of `symbols`; a symbol that fails is logged and skipped. Returns those that got bars. */
  private async refreshCandles(now: number, symbols: readonly SymbolId[]): Promise<Set<SymbolId>> {
    const changed = new Set<SymbolId>();
    await mapLimit(symbols, this.concurrency(), async (s) => {
      try {
        if ((await this.cache.refresh(s, now)) > 0) changed.add(s);
      } catch (err) {
        this.o.logger.warn(
          { symbol: s, err: (err as Error).message },
          'Candle fetch failed: symbol skipped this tick',
        );
      }
    });
    return changed;
  }

  private async refreshProbe(): Promise<void> {
    const [account, positions] = await Promise.all([this.o.broker.account(), this.o.broker.positions()]);
    this.probeState = {
      equity: account.equity.toNumber(),
      marginUsed: account.marginUsed.toNumber(),
      open: positions.length,
    };
  }

  // ------------------------------------------------------------------ reconciliation

  /** Reconciles the registry with the exchange and executes what it asks (stops, TPs, cancels; never a flatten). */
  async reconcile(now: number): Promise<void> {
    const [positions, openOrders] = await Promise.all([this.broker.positions(), this.broker.openOrders()]);
    const { result, actions } = syncWithExchange({
      registry: this.registry,
      exchangePositions: positions,
      openOrders,
      ctx: { now, config: this.o.config.positions, logger: this.o.logger, instruments: this.instruments },
      exposureGuard: this.risk?.exposureGuard,
    });
    for (const p of result.updated) this.write(this.o.store.savePosition(p));
    for (const p of this.registry.getAllActive()) this.write(this.o.store.savePosition(p));
    // a phantom imported in a symbol out of the universe needs its candles before it is protected
    const uncached = this.tracked().filter((s) => !this.cache.has(s));
    if (uncached.length > 0 && this.trader !== null) {
      for (const s of await this.refreshCandles(now, uncached)) this.prepare(this.symbols.indexOf(s));
    }
    await this.executeAll(now, actions);
    // stops and TPs a position lacks on the exchange (after a restart, a halt, a vanished order)
    await this.trader?.backfillProtection(now);
    this.lastReconcile = now;
    this.o.onReconciled?.(now);
  }

  private async executeAll(now: number, actions: readonly PositionAction[]): Promise<void> {
    const queue = [...actions];
    while (queue.length > 0) {
      const a = queue.shift() as PositionAction;
      let written: IntentRecord | null = null;
      const r = await executeAction(this.broker, a, {
        logger: this.o.logger,
        now,
        stopTrigger: this.o.config.positions.stop_trigger,
        recordIntent: (rec) => {
          written = rec;
          void this.write(this.o.store.recordIntent(rec));
        },
      });
      const rec = written as IntentRecord | null;
      if (rec !== null) {
        const status = r.ok ? 'ok' : r.error instanceof BrokerError ? r.error.kind : 'unknown';
        void this.write(
          this.o.store.resolveIntent({
            ...rec,
            strategyId: null,
            status,
            orderId: r.order?.id ?? rec.orderId,
          }),
        );
      }
      if (a.positionId === null) continue;
      const p = this.registry.get(a.positionId);
      if (!p) continue;
      for (const e of r.events) {
        const t = this.registry.apply(p.id, e, this.fsmContext(now, p.symbol));
        this.write(this.o.store.savePosition(t.position));
        queue.push(...t.actions);
      }
    }
  }

  private fsmContext(now: number, symbol: SymbolId): FsmContext {
    const instrument = this.instruments.get(symbol);
    if (!instrument) throw new Error(`no instrument for ${symbol}`);
    return { now, instrument, config: this.o.config.positions, logger: this.o.logger };
  }

  /**
   * Intents written but never answered: the process died between writing and hearing back. Each is
   * looked up at the venue by its client id — found, the order is attached to its position (so nothing
   * places it again); not found, it never left.
   */
  private async resolvePendingIntents(now: number): Promise<void> {
    for (const i of await this.o.store.intents({ pendingOnly: true })) {
      if (i.clientId === null) {
        await this.o.store.resolveIntentById(i.id, 'unknown', now);
        continue;
      }
      const found = await this.o.broker.orderByClientId(i.clientId);
      await this.o.store.resolveIntentById(i.id, found ? 'ok' : 'not_sent', now, found?.id ?? null);
      this.o.logger.warn(
        { client_id: i.clientId, action: i.actionType, order_id: found?.id ?? null },
        found ? 'Pending intent found at the venue: attached' : 'Pending intent never reached the venue',
      );
      if (!found) continue;
      if (found.status === 'open' || found.status === 'partially_filled') this.events.track(found);
      const parsed = parseClientId(i.clientId);
      const p = parsed ? this.registry.get(parsed.positionId) : undefined;
      if (!parsed || !p) continue;
      const t = this.registry.apply(
        p.id,
        {
          type: 'ORDER_PLACED',
          role: parsed.role,
          orderId: found.id,
          ...(parsed.level ? { level: parsed.level } : {}),
          qty: found.qty,
        },
        this.fsmContext(now, p.symbol),
      );
      this.write(this.o.store.savePosition(t.position));
      await this.executeAll(now, t.actions);
    }
  }

  // ------------------------------------------------------------------ persistence

  /** Queues a store write; `flush` awaits them. A failed write is kept and rethrown by the next flush. */
  private write(p: Promise<unknown>): Promise<void> {
    const tracked = p.then(
      () => undefined,
      (err: unknown) => {
        this.writeFailure ??= err;
        this.o.logger.error({ err: (err as Error).message }, 'Live store write failed');
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return tracked;
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.writeFailure !== null) {
      const err = this.writeFailure;
      this.writeFailure = null;
      throw err;
    }
  }

  private async persistState(now: number): Promise<void> {
    if (this.supervisor) {
      const snap = this.supervisor.snapshot(now);
      const json = JSON.stringify(snap);
      if (json !== this.savedSafety) {
        await this.o.store.setState(SAFETY_KEY, JSON.parse(json) as JsonValue, now);
        await this.o.store.saveHaltState(snap.halt, now);
        this.savedSafety = json;
      }
    }
    if (this.risk) {
      const json = JSON.stringify(this.risk.snapshot());
      if (json !== this.savedRisk) {
        await this.o.store.setState(RISK_KEY, JSON.parse(json) as JsonValue, now);
        this.savedRisk = json;
      }
    }
  }

  /** Finishes pending writes and stores the state (the tick in progress has completed: nothing is half-placed). */
  async stop(): Promise<void> {
    await this.flush();
    await this.persistState(this.o.clock.now());
    this.o.logger.info({ cycles: this.cycle }, 'LIVE_STOPPED');
  }
}
