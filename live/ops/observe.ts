import {
  type Account,
  type Broker,
  BrokerError,
  type OrderRequest,
  type Position,
} from '../../engine/broker.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { ManagedPosition } from '../../engine/positions/types.ts';

/** What the ops layer learns from the broker calls the loop makes anyway. */
export interface BrokerObserver {
  account(a: Account): void;
  positions(ps: readonly Position[]): void;
  /** Each `submitOrder`: `ok`, or the BrokerError kind it failed with (`unknown` for other errors). */
  order(req: OrderRequest, outcome: string): void;
}

type Fn = (...args: unknown[]) => unknown;

/**
 * The same broker, observed: `account()`, `positions()` and `submitOrder()` results are reported to
 * `obs` after they return, and every call and error passes through unchanged. The loop's own requests
 * feed `/status` and the metrics, so the ops layer never sends one of its own. A Proxy keeps the concrete
 * type (KrakenFuturesBroker's extra methods included) and calls every method on the original object.
 */
export function observeBroker<B extends Broker>(broker: B, obs: BrokerObserver): B {
  return new Proxy(broker, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as Fn;
      if (prop === 'account') {
        return async (...args: unknown[]) => {
          const a = (await fn.apply(target, args)) as Account;
          obs.account(a);
          return a;
        };
      }
      if (prop === 'positions') {
        return async (...args: unknown[]) => {
          const ps = (await fn.apply(target, args)) as Position[];
          obs.positions(ps);
          return ps;
        };
      }
      if (prop === 'submitOrder') {
        return async (req: OrderRequest) => {
          try {
            const o = await fn.call(target, req);
            obs.order(req, 'ok');
            return o;
          } catch (err) {
            obs.order(req, err instanceof BrokerError ? err.kind : 'unknown');
            throw err;
          }
        };
      }
      return fn.bind(target);
    },
  });
}

/** The live store's calls the ops layer watches (live/store/live-store.ts `LiveStore` has them). */
export interface ObservableStore {
  loadPositions(opts?: { activeOnly?: boolean }): Promise<ManagedPosition[]>;
  savePosition(p: ManagedPosition): Promise<void>;
  recordTrade(t: TradeRecord, positionId?: string | null): Promise<boolean>;
}

export interface StoreObserver {
  /** Positions restored at startup: known already, not new. */
  loaded(ps: readonly ManagedPosition[]): void;
  positionSaved(p: ManagedPosition): void;
  /** A trade recorded for the first time (a re-recorded one after a restart is not reported). */
  tradeRecorded(t: TradeRecord): void;
}

/**
 * The same store, observed: NEW_POSITION and POSITION_CLOSED alerts follow the writes the runner makes
 * anyway (a position transition is saved, a closed trade is recorded once), with no hook of their own.
 * Observers run after the write succeeded, so an alert never announces what was not stored.
 */
export function observeStore<S extends ObservableStore>(store: S, obs: StoreObserver): S {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as Fn;
      if (prop === 'loadPositions') {
        return async (...args: unknown[]) => {
          const ps = (await fn.apply(target, args)) as ManagedPosition[];
          obs.loaded(ps);
          return ps;
        };
      }
      if (prop === 'savePosition') {
        return async (p: ManagedPosition) => {
          await fn.call(target, p);
          obs.positionSaved(p);
        };
      }
      if (prop === 'recordTrade') {
        return async (...args: unknown[]) => {
          const isNew = (await fn.apply(target, args)) as boolean;
          if (isNew) obs.tradeRecorded(args[0] as TradeRecord);
          return isNew;
        };
      }
      return fn.bind(target);
    },
  });
}
