import type { Decimal } from 'decimal.js';
import type { Symbol as SymbolId } from '../broker.ts';
import { dec } from '../risk/quantize.ts';
import type { PositionAction } from './actions.ts';
import { type Transition, transition } from './fsm.ts';
import type { FsmContext, ManagedPosition, PositionEvent } from './types.ts';
import { isActive } from './types.ts';

/**
 * Every managed position, active and finished (seed §3 Bug 10: the registry's methods are
 * `get_all_active()` and `get_all()`). At most one active position per symbol.
 */
export class PositionRegistry {
  private readonly byId = new Map<string, ManagedPosition>();
  /**
   * The active positions, in `byId` order: an index, because the trader asks for them on every tick with
   * work while `byId` keeps every finished position of the run.
   */
  private readonly active = new Map<string, ManagedPosition>();
  /** Latest `lastPartialCloseAt` over `byId`, kept up to date unless `partialStale`. */
  private latestPartialClose: number | null = null;
  /** A position's `lastPartialCloseAt` went back or a position left: recompute on the next read. */
  private partialStale = false;

  constructor(positions: Iterable<ManagedPosition> = []) {
    for (const p of positions) this.put(p);
  }

  get(id: string): ManagedPosition | undefined {
    return this.byId.get(id);
  }

  /** The active position of `symbol`, if any. */
  getActiveBySymbol(symbol: SymbolId): ManagedPosition | undefined {
    for (const p of this.active.values()) if (p.symbol === symbol) return p;
    return undefined;
  }

  /** Active positions (PENDING, OPEN, TP1_FILLED, TP2_FILLED), in insertion order. */
  getAllActive(): ManagedPosition[] {
    return [...this.active.values()];
  }

  /** Every position, finished ones included. */
  getAll(): ManagedPosition[] {
    return [...this.byId.values()];
  }

  activeSymbols(): Set<SymbolId> {
    const out = new Set<SymbolId>();
    for (const p of this.active.values()) out.add(p.symbol);
    return out;
  }

  /** Inserts or replaces; refuses a second active position for one symbol. */
  put(p: ManagedPosition): void {
    if (isActive(p)) {
      const other = this.getActiveBySymbol(p.symbol);
      if (other && other.id !== p.id) {
        throw new Error(`registry already has active position ${other.id} for ${p.symbol}; refusing ${p.id}`);
      }
    }
    this.store(p);
  }

  /** Stores `p` (new or replacing its id) and keeps the active index and the latest partial close. */
  private store(p: ManagedPosition): void {
    const prev = this.byId.get(p.id);
    this.byId.set(p.id, p);
    if (isActive(p)) {
      // A replaced id keeps its place in both maps; a new id goes last in both.
      if (this.active.has(p.id) || prev === undefined) this.active.set(p.id, p);
      else this.reindex(); // a finished position active again: its place is its first insertion
    } else {
      this.active.delete(p.id);
    }
    const t = p.lastPartialCloseAt;
    if (t !== (prev?.lastPartialCloseAt ?? null)) {
      if (t !== null && (this.latestPartialClose === null || t >= this.latestPartialClose)) {
        this.latestPartialClose = t;
      } else {
        this.partialStale = true;
      }
    }
  }

  private reindex(): void {
    this.active.clear();
    for (const [id, p] of this.byId) if (isActive(p)) this.active.set(id, p);
  }

  /** Runs one FSM transition on a stored position and stores the result. */
  apply(id: string, e: PositionEvent, ctx: FsmContext): Transition {
    const p = this.byId.get(id);
    if (p === undefined) throw new Error(`no position ${id} in the registry`);
    const t = transition(p, e, ctx);
    if (t.position !== p) this.store(t.position);
    return t;
  }

  /** Drops finished positions (after they were persisted as trades). Returns how many. */
  pruneFinished(): number {
    let n = 0;
    for (const [id, p] of this.byId) {
      if (!isActive(p)) {
        this.byId.delete(id);
        n++;
      }
    }
    if (n > 0) this.partialStale = true;
    return n;
  }

  /** The most recent TP1/TP2 partial close of any position (auction partial-close cooldown). */
  lastPartialCloseAt(): number | null {
    if (this.partialStale) {
      let t: number | null = null;
      for (const p of this.byId.values()) {
        if (p.lastPartialCloseAt !== null && (t === null || p.lastPartialCloseAt > t))
          t = p.lastPartialCloseAt;
      }
      this.latestPartialClose = t;
      this.partialStale = false;
    }
    return this.latestPartialClose;
  }

  snapshot(): ManagedPosition[] {
    return this.getAll();
  }
}

/** Actions grouped with the position they came from, for logging and tracing. */
export interface PositionActions {
  readonly positionId: string;
  readonly actions: readonly PositionAction[];
}

const DECIMAL_FIELDS = [
  'plannedQty',
  'filledQty',
  'remainingQty',
  'avgEntryPrice',
  'initialStopPrice',
  'stopPrice',
  'entrySizeInitial',
  'tp1QtyTarget',
  'tp2QtyTarget',
  'bestPrice',
  'realizedPnl',
  'fees',
  'funding',
  'exitQty',
  'exitNotional',
] as const satisfies readonly (keyof ManagedPosition)[];

type Jsonified<T> = {
  [K in keyof T]: T[K] extends Decimal
    ? string
    : T[K] extends Decimal | null
      ? string | null
      : T[K] extends readonly Decimal[]
        ? string[]
        : T[K] extends readonly (Decimal | null)[]
          ? (string | null)[]
          : T[K];
};

/** A position as JSON-safe data (Decimals as strings), for the live store. */
export type SerializedPosition = Jsonified<ManagedPosition>;

export function serializePosition(p: ManagedPosition): SerializedPosition {
  const out: Record<string, unknown> = { ...p };
  for (const k of DECIMAL_FIELDS) {
    const v = p[k];
    out[k] = v === null ? null : v.toString();
  }
  out.takeProfits = p.takeProfits.map((x) => (x === null ? null : x.toString()));
  out.tpOrderQtys = p.tpOrderQtys.map((x) => x.toString());
  return out as SerializedPosition;
}

export function deserializePosition(s: SerializedPosition): ManagedPosition {
  const out: Record<string, unknown> = { ...s };
  for (const k of DECIMAL_FIELDS) {
    const v = s[k];
    out[k] = v === null ? null : dec(v);
  }
  out.takeProfits = s.takeProfits.map((x) => (x === null ? null : dec(x)));
  out.tpOrderQtys = s.tpOrderQtys.map((x) => dec(x));
  return out as unknown as ManagedPosition;
}
