import type { Decimal } from 'decimal.js';
import type { Instrument, PositionSide, Symbol as SymbolId } from '../../engine/broker.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { DEFAULT_POSITIONS_CONFIG, type PositionsConfig } from '../../engine/positions/config.ts';
import { openPosition } from '../../engine/positions/fsm.ts';
import type { ReconcileContext } from '../../engine/positions/reconcile.ts';
import { PositionRegistry } from '../../engine/positions/registry.ts';
import type { FsmContext, ManagedPosition } from '../../engine/positions/types.ts';
import type { SimBroker } from '../../engine/sim/sim-broker.ts';
import { makeSimBroker, pushBar } from './sim.ts';
import { d, executeAndApply, fill } from './trading.ts';

/**
 * Scenario builders for the seed-bug tests (STYLE.md: "a phantom position, an instant fill, a vanished
 * stop"), on the simulated broker. Each returns a {@link Venue}: the broker, a registry, a recording
 * logger and the contexts the trading-core functions take, at a fixed time after one price bar.
 */

export interface Venue {
  readonly broker: SimBroker;
  readonly registry: PositionRegistry;
  readonly logger: RecordingLogger;
  readonly config: PositionsConfig;
  readonly instruments: Map<SymbolId, Instrument>;
  now(): number;
  fsm(symbol: SymbolId): FsmContext;
  reconcileCtx(): ReconcileContext;
  /** Executes actions on the broker and feeds the order events back into the registry. */
  run(actions: Parameters<typeof executeAndApply>[2]): ReturnType<typeof executeAndApply>;
}

export interface VenueOptions {
  /** SymbolId → price of the first bar (default BTC at 100). */
  prices?: Record<SymbolId, number>;
  equity?: number;
  config?: Partial<PositionsConfig>;
  registry?: Iterable<ManagedPosition>;
}

/** A simulated venue with one flat 15m bar per symbol (open = close = the price). */
export function venue(opts: VenueOptions = {}): Venue {
  const prices = opts.prices ?? { BTC: 100 };
  const specs = Object.fromEntries(
    Object.keys(prices).map((s) => [s, { tickSize: '0.01', qtyStep: '0.001' }]),
  );
  const broker = makeSimBroker({ equity: opts.equity ?? 10_000, instruments: specs });
  for (const [s, p] of Object.entries(prices)) pushBar(broker, s, [p, p, p, p]);
  const logger = new RecordingLogger();
  const config = { ...DEFAULT_POSITIONS_CONFIG, ...opts.config };
  const instruments = new Map(Object.keys(prices).map((s) => [s, instrumentOf(broker, s)]));
  const registry = new PositionRegistry(opts.registry ?? []);
  const v: Venue = {
    broker,
    registry,
    logger,
    config,
    instruments,
    now: () => broker.now(),
    fsm: (symbol) => {
      const instrument = instruments.get(symbol);
      if (instrument === undefined) throw new Error(`scenario has no instrument for ${symbol}`);
      return { now: broker.now(), instrument, config, logger };
    },
    reconcileCtx: () => ({ now: broker.now(), config, logger, instruments }),
    run: (actions) => executeAndApply(broker, registry, actions, (s) => v.fsm(s)),
  };
  return v;
}

function instrumentOf(broker: SimBroker, symbol: SymbolId): Instrument {
  const i = broker.listInstruments().find((x) => x.symbol === symbol);
  if (i === undefined) throw new Error(`no instrument ${symbol}`);
  return i;
}

/**
 * Seed Bug 3: real positions on the exchange that the (stale or empty) registry does not know — the
 * state at a restart after the persisted registry was lost.
 */
export function phantomPositions(
  positions: readonly { symbol: SymbolId; side: PositionSide; qty: Decimal.Value; price: number }[],
  opts: VenueOptions = {},
): Venue {
  const prices = { ...Object.fromEntries(positions.map((p) => [p.symbol, p.price])), ...opts.prices };
  const v = venue({ ...opts, prices });
  for (const p of positions) v.broker.hooks.openPositionBehindBack(p.symbol, p.side, p.qty, p.price);
  return v;
}

/**
 * Seed Bug 6: an entry sent as a market order that the exchange fills at once, before the bot has seen
 * the fill — the registry holds the position as PENDING with nothing filled while the exchange already
 * has the quantity. Returns the venue and the PENDING position's id.
 */
export async function instantFill(
  opts: VenueOptions & { symbol?: SymbolId; side?: PositionSide; qty?: Decimal.Value; stop?: number } = {},
): Promise<{ venue: Venue; positionId: string }> {
  const symbol = opts.symbol ?? 'BTC';
  const v = venue({ prices: { [symbol]: 100 }, ...opts });
  const side = opts.side ?? 'long';
  const open = openPosition(
    {
      id: `sig-${symbol}-${v.now()}`,
      symbol,
      side,
      qty: d(opts.qty ?? 5),
      stop: d(opts.stop ?? (side === 'long' ? 98 : 102)),
      takeProfits: side === 'long' ? [d(104), d(106), d(110)] : [d(96), d(94), d(90)],
    },
    v.fsm(symbol),
  );
  v.registry.put(open.position);
  v.broker.hooks.instantFillNext();
  await v.run(open.actions);
  v.broker.drainEvents(); // the fill happened, but the bot has not processed it
  return { venue: v, positionId: open.position.id };
}

/**
 * Seed Bug 7: an OPEN position whose registered stop order is gone from the exchange (a kill switch of an
 * earlier run cancelled it): cancelling it answers `order_not_found`. Returns the venue, the position id
 * and the vanished order id.
 */
export async function vanishedStop(
  opts: VenueOptions & { symbol?: SymbolId; qty?: Decimal.Value } = {},
): Promise<{ venue: Venue; positionId: string; vanishedOrderId: string }> {
  const symbol = opts.symbol ?? 'BTC';
  const v = venue({ prices: { [symbol]: 100 }, ...opts });
  const qty = d(opts.qty ?? 5);
  const open = openPosition(
    {
      id: `sig-${symbol}-${v.now()}`,
      symbol,
      side: 'long',
      qty,
      stop: d(98),
      takeProfits: [d(104), d(106), d(110)],
    },
    v.fsm(symbol),
  );
  v.registry.put(open.position);
  v.broker.hooks.instantFillNext();
  await v.run(open.actions);
  const t = v.registry.apply(
    open.position.id,
    { type: 'ENTRY_FILL', fill: fill({ symbol, side: 'buy', qty, price: 100, ts: v.now() }) },
    v.fsm(symbol),
  );
  await v.run(t.actions);
  v.broker.drainEvents();
  const stopId = v.registry.get(open.position.id)?.stopOrderId;
  if (stopId == null) throw new Error('scenario setup: no stop was placed');
  v.broker.hooks.vanishOrder(stopId);
  return { venue: v, positionId: open.position.id, vanishedOrderId: stopId };
}
