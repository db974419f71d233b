import type { Decimal } from 'decimal.js';
import type {
  Instrument,
  OrderRequest,
  Side,
  Symbol as SymbolId,
  TriggerSignal,
} from '../../engine/broker.ts';
import type { Clock } from '../../engine/clock.ts';
import type { SequenceSource } from '../../engine/events.ts';
import type { SimConfigInput } from '../../engine/sim/config.ts';
import { dec } from '../../engine/sim/decimal.ts';
import { makeInstrument } from '../../engine/sim/instruments.ts';
import type { PriceBar } from '../../engine/sim/matching-core.ts';
import { SimBroker } from '../../engine/sim/sim-broker.ts';

/**
 * Builders for tests that need a simulated venue (seed-bug scenarios, trader and backtest tests, live
 * fake-exchange tests). Defaults differ from the production config on purpose: **no slippage**, so
 * hand-computed prices stay simple; pass `slippageBps` to model it.
 */

/** 2024-01-01T00:00:00Z: where bar time starts unless a test says otherwise. */
export const T0 = Date.UTC(2024, 0, 1);
export const MIN15 = 15 * 60_000;

export interface SimKitOptions {
  /** Starting balance in USD (default 10 000). */
  equity?: number;
  /** Instruments by symbol with plain grid values, or full Instrument objects. */
  instruments?:
    | Instrument[]
    | Record<
        SymbolId,
        {
          tickSize: string | number;
          qtyStep: string | number;
          minQty?: string | number;
          maxLeverage?: number;
        }
      >;
  fees?: { maker?: number; taker?: number };
  slippageBps?: number;
  leverage?: number;
  /** Any other venue config field. */
  config?: SimConfigInput;
  clock?: Clock;
  sequence?: SequenceSource;
}

/** A simulated broker for tests: 10 000 USD, 7x, Kraken fees, no slippage unless given. */
export function makeSimBroker(opts: SimKitOptions = {}): SimBroker {
  const instruments = Array.isArray(opts.instruments)
    ? opts.instruments
    : Object.entries(opts.instruments ?? {}).map(([sym, spec]) => makeInstrument(sym, spec));
  return new SimBroker({
    config: {
      ...opts.config,
      initialBalance: opts.equity ?? opts.config?.initialBalance ?? 10_000,
      slippageBps: opts.slippageBps ?? opts.config?.slippageBps ?? 0,
      leverage: opts.leverage ?? opts.config?.leverage ?? 7,
      fees: { ...opts.config?.fees, ...opts.fees },
    },
    instruments,
    clock: opts.clock,
    sequence: opts.sequence,
  });
}

/** OHLC(V) of one bar; volume defaults to 1e9 (ample liquidity). */
export type Ohlc = [open: number, high: number, low: number, close: number, volume?: number];

/** A price bar; `ts` is its open time. */
export function bar(ts: number, [o, h, l, c, v]: Ohlc, durationMs = MIN15): PriceBar {
  return { ts, closeTs: ts + durationMs, open: o, high: h, low: l, close: c, volume: v ?? 1e9 };
}

/**
 * Feeds the next bar of `symbol`: it opens where the previous price event of the symbol ended (or at
 * {@link T0}). Returns the bar fed.
 */
export function pushBar(broker: SimBroker, symbol: SymbolId, ohlc: Ohlc, durationMs = MIN15): PriceBar {
  const end = broker.lastEventEnd(symbol);
  const b = bar(Number.isFinite(end) ? end : T0, ohlc, durationMs);
  broker.onBar(symbol, b);
  return b;
}

/** Feeds several bars in a row. */
export function pushBars(broker: SimBroker, symbol: SymbolId, rows: Ohlc[], durationMs = MIN15): PriceBar[] {
  return rows.map((r) => pushBar(broker, symbol, r, durationMs));
}

let clientNo = 0;
/** Restarts client order ids at 1 (replay tests that compare ids across runs). */
export function resetClientIds(): void {
  clientNo = 0;
}

/** A fresh client order id (unique within the test process, or since {@link resetClientIds}). */
export function nextClientId(tag = 'c'): string {
  return `${tag}-${++clientNo}`;
}

type Qty = Decimal.Value;

export function marketOrder(symbol: SymbolId, side: Side, qty: Qty, reduceOnly = false): OrderRequest {
  return { clientId: nextClientId('mkt'), symbol, side, type: 'market', qty: dec(qty), reduceOnly };
}

export function limitOrder(
  symbol: SymbolId,
  side: Side,
  qty: Qty,
  price: Qty,
  reduceOnly = false,
): OrderRequest {
  return {
    clientId: nextClientId('lmt'),
    symbol,
    side,
    type: 'limit',
    qty: dec(qty),
    price: dec(price),
    reduceOnly,
  };
}

/** A reduce-only stop-loss (market when triggered, mark price by default). */
export function stopOrder(
  symbol: SymbolId,
  side: Side,
  qty: Qty,
  triggerPrice: Qty,
  opts: { reduceOnly?: boolean; triggerSignal?: TriggerSignal; limitPrice?: Qty } = {},
): OrderRequest {
  const r: OrderRequest = {
    clientId: nextClientId('sl'),
    symbol,
    side,
    type: 'stop',
    qty: dec(qty),
    triggerPrice: dec(triggerPrice),
    triggerSignal: opts.triggerSignal ?? 'mark',
    reduceOnly: opts.reduceOnly ?? true,
  };
  if (opts.limitPrice !== undefined) r.price = dec(opts.limitPrice);
  return r;
}

/** A reduce-only take-profit (market when triggered). */
export function takeProfitOrder(
  symbol: SymbolId,
  side: Side,
  qty: Qty,
  triggerPrice: Qty,
  opts: { reduceOnly?: boolean; triggerSignal?: TriggerSignal } = {},
): OrderRequest {
  return {
    clientId: nextClientId('tp'),
    symbol,
    side,
    type: 'take_profit',
    qty: dec(qty),
    triggerPrice: dec(triggerPrice),
    triggerSignal: opts.triggerSignal ?? 'mark',
    reduceOnly: opts.reduceOnly ?? true,
  };
}
