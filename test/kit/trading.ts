import type { Decimal } from 'decimal.js';
import type {
  Broker,
  Fill,
  Instrument,
  Position,
  PositionSide,
  Symbol as SymbolId,
} from '../../engine/broker.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { type Logger, RecordingLogger } from '../../engine/log.ts';
import { AuctionAllocator } from '../../engine/portfolio/auction-allocator.ts';
import type { PositionAction } from '../../engine/positions/actions.ts';
import { parseClientId } from '../../engine/positions/client-id.ts';
import { DEFAULT_POSITIONS_CONFIG, type PositionsConfig } from '../../engine/positions/config.ts';
import { executeAction } from '../../engine/positions/execute.ts';
import { routeFill } from '../../engine/positions/fill-router.ts';
import { openPosition, transition } from '../../engine/positions/fsm.ts';
import type { PositionRegistry } from '../../engine/positions/registry.ts';
import type { FsmContext, ManagedPosition } from '../../engine/positions/types.ts';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from '../../engine/risk/config.ts';
import { dec } from '../../engine/risk/quantize.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import type { ExposurePosition, RiskContext, TradeCandidate } from '../../engine/risk/types.ts';
import { makeInstrument } from '../../engine/sim/instruments.ts';

/**
 * Builders for trading-core tests (risk, auction, positions, safety): plain-data candidates, contexts,
 * positions and fills with small, hand-checkable defaults. Scenario builders that need a venue are in
 * scenarios.ts (on top of the simulated broker of sim.ts).
 */

export const d = (x: Decimal.Value): Decimal => dec(x);

/** 2024-03-01T12:00:00Z. */
export const NOON = Date.UTC(2024, 2, 1, 12);

/** Instruments with a 0.01 tick and a 0.001 step (any symbol). */
export function instrument(
  symbol: SymbolId,
  spec: { tickSize?: string; qtyStep?: string; minQty?: string } = {},
): Instrument {
  return makeInstrument(symbol, {
    tickSize: spec.tickSize ?? '0.01',
    qtyStep: spec.qtyStep ?? '0.001',
    minQty: spec.minQty,
  });
}

export function instrumentMap(symbols: readonly SymbolId[]): Map<SymbolId, Instrument> {
  return new Map(symbols.map((s) => [s, instrument(s)]));
}

export function riskConfig(over: Partial<RiskConfig> = {}): RiskConfig {
  return { ...DEFAULT_RISK_CONFIG, ...over };
}

export function positionsConfig(over: Partial<PositionsConfig> = {}): PositionsConfig {
  return { ...DEFAULT_POSITIONS_CONFIG, ...over };
}

/** A LONG at 100 with the stop at 98 and TPs 104/106/110, score 70. */
export function candidate(over: Partial<TradeCandidate> & { symbol?: SymbolId } = {}): TradeCandidate {
  const side = over.side ?? 'long';
  const long = side === 'long';
  return {
    symbol: 'BTC',
    ts: NOON,
    side,
    entry: d(100),
    stop: d(long ? 98 : 102),
    takeProfits: long ? [d(104), d(106), d(110)] : [d(96), d(94), d(90)],
    score: 70,
    setupType: 'test',
    atr: 1,
    ...over,
  };
}

/** An exchange position (plain data) — notional at `mark`. */
export function exchangePosition(
  symbol: SymbolId,
  side: PositionSide,
  qty: Decimal.Value,
  entry: Decimal.Value,
  mark: Decimal.Value = entry,
  leverage = 7,
): Position {
  const q = d(qty);
  const m = d(mark);
  const e = d(entry);
  return {
    symbol,
    side,
    qty: q,
    entryPrice: e,
    currentMarkPrice: m,
    unrealizedPnl: side === 'long' ? m.minus(e).mul(q) : e.minus(m).mul(q),
    margin: q.mul(m).div(leverage),
    leverage,
  };
}

/** A RiskContext with 10 000 equity, nothing open, NORMAL, instruments for the symbols given. */
export function riskContext(
  over: Partial<RiskContext> & {
    symbols?: readonly SymbolId[];
    positions?: readonly ExposurePosition[];
  } = {},
): RiskContext {
  const positions = over.positions ?? [];
  const symbols = over.symbols ?? [
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
  ];
  let margin = d(0);
  for (const p of positions) margin = margin.plus(p.margin);
  return {
    now: NOON,
    equity: d(10_000),
    marginUsed: margin,
    positions,
    activeSymbols: new Set(),
    systemState: 'NORMAL',
    instruments: instrumentMap([...symbols, ...positions.map((p) => p.symbol)]),
    ...over,
  };
}

export function riskManager(
  over: Partial<RiskConfig> = {},
  logger: Logger = new RecordingLogger(),
): RiskManager {
  return new RiskManager(riskConfig(over), logger);
}

export function auction(
  cfg: RiskConfig = DEFAULT_RISK_CONFIG,
  logger: Logger = new RecordingLogger(),
): AuctionAllocator {
  return new AuctionAllocator(
    {
      maxMarginUtil: cfg.auction_max_margin_util,
      partialCloseCooldownSeconds: cfg.auction_partial_close_cooldown_seconds,
    },
    logger,
  );
}

export function fsmContext(
  over: {
    now?: number;
    symbol?: SymbolId;
    config?: Partial<PositionsConfig>;
    logger?: Logger;
    instrument?: Instrument;
  } = {},
): FsmContext {
  return {
    now: over.now ?? NOON,
    instrument: over.instrument ?? instrument(over.symbol ?? 'BTC'),
    config: positionsConfig(over.config),
    logger: over.logger ?? new RecordingLogger(),
  };
}

let fillNo = 0;
export function fill(
  over: Omit<Partial<Fill>, 'qty' | 'price'> & { qty: Decimal.Value; price: Decimal.Value },
): Fill {
  const { qty, price, ...rest } = over;
  return {
    id: `f-${++fillNo}`,
    orderId: 'o-x',
    clientId: 'x',
    symbol: 'BTC',
    side: 'buy',
    fee: d(0),
    liquidity: 'taker',
    reduceOnly: false,
    ts: NOON,
    ...rest,
    qty: d(qty),
    price: d(price),
  };
}

/** A position opened through the FSM: PENDING → OPEN by one full entry fill at `entry`. */
export function openedPosition(
  opts: {
    id?: string;
    symbol?: SymbolId;
    side?: PositionSide;
    qty?: Decimal.Value;
    entry?: Decimal.Value;
    stop?: Decimal.Value;
    takeProfits?: readonly (Decimal.Value | null)[];
    atr?: number | null;
    ctx?: FsmContext;
  } = {},
): { position: ManagedPosition; actions: PositionAction[] } {
  const side = opts.side ?? 'long';
  const long = side === 'long';
  const symbol = opts.symbol ?? 'BTC';
  const ctx = opts.ctx ?? fsmContext({ symbol });
  const entry = d(opts.entry ?? 100);
  const tps = (opts.takeProfits ?? (long ? [104, 106, 110] : [96, 94, 90])).map((x) =>
    x === null ? null : d(x),
  );
  const open = openPosition(
    {
      id: opts.id ?? `sig-${symbol}-1`,
      symbol,
      side,
      qty: d(opts.qty ?? 10),
      stop: d(opts.stop ?? (long ? 98 : 102)),
      takeProfits: tps,
      atr: opts.atr ?? null,
    },
    ctx,
  );
  const t = transition(
    open.position,
    {
      type: 'ENTRY_FILL',
      fill: fill({ symbol, side: long ? 'buy' : 'sell', qty: d(opts.qty ?? 10), price: entry }),
    },
    ctx,
  );
  return { position: t.position, actions: [...t.actions] };
}

/**
 * Executes actions on a broker in order and feeds the resulting ORDER_PLACED / ORDER_GONE events back
 * into the registry — what the Trader does after each transition.
 */
export async function executeAndApply(
  broker: Broker,
  registry: PositionRegistry,
  actions: readonly PositionAction[],
  ctxFor: (symbol: SymbolId) => FsmContext,
): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  for (const a of actions) {
    const ctx = ctxFor(a.symbol);
    const r = await executeAction(broker, a, { logger: ctx.logger, now: ctx.now });
    if (r.ok) ok++;
    else failed++;
    if (a.positionId !== null && registry.get(a.positionId)) {
      for (const e of r.events) registry.apply(a.positionId, e, ctx);
    }
  }
  return { ok, failed };
}

/** A broker that buffers engine events (the simulated broker does). */
export interface EventSource {
  drainEvents(): EngineEvent[];
}

/**
 * The event half of a tick, for tests that run without the Trader: drains the broker's events, routes
 * fills to their positions (fill-router.ts), applies them and executes the resulting actions, and marks
 * cancelled orders gone — until no new events come. Returns how many fills were applied.
 */
export async function settleEvents(
  broker: Broker & EventSource,
  registry: PositionRegistry,
  ctxFor: (symbol: SymbolId) => FsmContext,
): Promise<number> {
  let applied = 0;
  for (let round = 0; round < 100; round++) {
    const events = broker.drainEvents();
    if (events.length === 0) return applied;
    for (const e of events) {
      if (e.kind === 'order_filled' || e.kind === 'order_partially_filled') {
        const routed = routeFill(registry, e.fill);
        if (routed === null) continue;
        const t = registry.apply(routed.position.id, routed.event, ctxFor(e.fill.symbol));
        applied++;
        await executeAndApply(broker, registry, t.actions, ctxFor);
      } else if (e.kind === 'order_cancelled') {
        const parsed = parseClientId(e.order.clientId);
        if (parsed === null || registry.get(parsed.positionId) === undefined) continue;
        const ctx = ctxFor(e.order.symbol);
        registry.apply(parsed.positionId, { type: 'ORDER_GONE', orderId: e.order.id }, ctx);
        if (parsed.role === 'entry') {
          const t = registry.apply(parsed.positionId, { type: 'ENTRY_ENDED', status: 'cancelled' }, ctx);
          await executeAndApply(broker, registry, t.actions, ctxFor);
        }
      }
    }
  }
  throw new Error('settleEvents: events did not settle in 100 rounds');
}

/** `base` with some methods replaced — e.g. an `openOrders` that still lists an order already gone. */
export function brokerWith(base: Broker, over: Partial<Broker>): Broker {
  return {
    instruments: over.instruments ?? (() => base.instruments()),
    submitOrder: over.submitOrder ?? ((r) => base.submitOrder(r)),
    cancelOrder: over.cancelOrder ?? ((s, id) => base.cancelOrder(s, id)),
    openOrders: over.openOrders ?? ((s) => base.openOrders(s)),
    positions: over.positions ?? (() => base.positions()),
    account: over.account ?? (() => base.account()),
    fills: over.fills ?? ((t) => base.fills(t)),
    ticker: over.ticker ?? ((s) => base.ticker(s)),
  };
}
