import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { openDuckDb } from '../../data/store/duckdb.ts';
import type { TraceIntent } from '../../engine/backtest/types.ts';
import type { Fill } from '../../engine/broker.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import type { IntentRecord, PositionActionType } from '../../engine/positions/actions.ts';
import {
  deserializePosition,
  type SerializedPosition,
  serializePosition,
} from '../../engine/positions/registry.ts';
import { isActive, type ManagedPosition } from '../../engine/positions/types.ts';
import type { HaltState } from '../../engine/safety/types.ts';
import { NO_HALT } from '../../engine/safety/types.ts';
import { dec } from '../../engine/sim/decimal.ts';
import { LIVE_SCHEMA_SQL, LIVE_SCHEMA_VERSION } from './schema.ts';

/**
 * The live store: what a live run must not lose when its process dies — positions (their FSM state),
 * order intents written ahead of sending, fills, closed trades with P&L, and the halt / kill-switch state —
 * in one embedded DuckDB file (see README.md for why DuckDB). Every write is one transaction, committed
 * before the call resolves, so a crash (even SIGKILL) leaves each write either whole or absent, and a
 * restart reads back exactly what was acknowledged. Calls are serialized on one connection.
 *
 * The store never reads the clock: every time it records comes from the caller (the runner's Clock).
 */

/** A write-ahead intent as stored: the intent, its id, and what came of it. */
export interface StoredIntent extends IntentRecord {
  readonly id: number;
  /** `pending` (written, no answer yet), `ok`, or the BrokerError kind the venue refused it with. */
  readonly status: string;
  readonly resultOrderId: string | null;
  readonly resolvedAt: number | null;
}

/** A closed trade as stored: the trade record and the position it closed, when known. */
export interface StoredTrade extends TradeRecord {
  readonly positionId: string | null;
}

/** JSON-compatible values for {@link LiveStore.setState}. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

const HaltStateSchema = z.object({
  active: z.boolean(),
  reason: z
    .enum(['MARGIN_CRITICAL', 'DRAWDOWN_CRITICAL', 'MAX_POSITIONS', 'NAKED_POSITIONS', 'MANUAL'])
    .nullable(),
  activatedAt: z.number().nullable(),
  detail: z.string().nullable(),
});

const HALT_KEY = 'halt';

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export class LiveStore {
  readonly path: string;
  readonly readOnly: boolean;
  private readonly instance: DuckDBInstance;
  private readonly connection: DuckDBConnection;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    path: string,
    readOnly: boolean,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
  ) {
    this.path = path;
    this.readOnly = readOnly;
    this.instance = instance;
    this.connection = connection;
  }

  /**
   * Opens (creating file, folder and tables unless `readOnly`) the live store at `path`; `':memory:'` for
   * a throw-away one. DuckDB lets one process write a file: a second `smc live` on the same store fails
   * here with a clear message instead of corrupting it.
   */
  static async open(path: string, opts: { readOnly?: boolean } = {}): Promise<LiveStore> {
    const readOnly = opts.readOnly ?? false;
    if (path.trim() === '') throw new UserError('the live store needs a file path (or :memory:)');
    let opened: Awaited<ReturnType<typeof openDuckDb>>;
    try {
      opened = await openDuckDb(path, readOnly, { flag: '--store' });
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(
        `cannot open the live store '${path}': ${(err as Error).message} (is another smc live running on it?)`,
      );
    }
    const store = new LiveStore(path, readOnly, opened.instance, opened.connection);
    try {
      await store.prepare();
    } catch (err) {
      opened.connection.closeSync();
      opened.instance.closeSync();
      throw err;
    }
    return store;
  }

  private async prepare(): Promise<void> {
    if (!this.readOnly) await this.connection.run(LIVE_SCHEMA_SQL);
    const r = await this.connection.runAndReadAll(`SELECT value FROM live_meta WHERE key = 'schema_version'`);
    const v = r.getRows()[0]?.[0];
    if (v === undefined) throw new UserError(`'${this.path}' is not a live store (no live_meta table)`);
    if (Number(v) !== LIVE_SCHEMA_VERSION) {
      throw new UserError(
        `live store '${this.path}' has schema ${String(v)}, this smc needs ${LIVE_SCHEMA_VERSION}: use a new file`,
      );
    }
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`live store '${this.path}' is closed`));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `fn` in one transaction: all of it is committed, or none (rolled back, error rethrown). */
  private write<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      if (this.readOnly) throw new UserError(`live store '${this.path}' is open read-only`);
      const con = this.connection;
      await con.run('BEGIN TRANSACTION');
      try {
        const out = await fn(con);
        await con.run('COMMIT');
        return out;
      } catch (err) {
        await con.run('ROLLBACK');
        throw err;
      }
    });
  }

  private async rows(sql: string, params: Record<string, string | number | boolean | null> = {}) {
    return this.serialize(async () => (await this.connection.runAndReadAll(sql, params)).getRowObjects());
  }

  // ------------------------------------------------------------------ positions

  /** Inserts or replaces positions by id (the FSM's state after a transition), in one transaction. */
  savePositions(positions: readonly ManagedPosition[]): Promise<void> {
    if (positions.length === 0) return Promise.resolve();
    return this.write(async (con) => {
      for (const p of positions) {
        await con.run(
          `INSERT INTO positions VALUES ($id, $symbol, $state, $active, $data, $updated)
           ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, state = excluded.state,
             active = excluded.active, data = excluded.data, updated_at = excluded.updated_at`,
          {
            id: p.id,
            symbol: p.symbol,
            state: p.state,
            active: isActive(p),
            data: JSON.stringify(serializePosition(p)),
            updated: p.updatedAt,
          },
        );
      }
    });
  }

  savePosition(p: ManagedPosition): Promise<void> {
    return this.savePositions([p]);
  }

  /** Positions as stored (active ones only by default), oldest update first. */
  async loadPositions(opts: { activeOnly?: boolean } = {}): Promise<ManagedPosition[]> {
    const rows = await this.rows(
      `SELECT id, data FROM positions ${opts.activeOnly === false ? '' : 'WHERE active'} ORDER BY updated_at, id`,
    );
    return rows.map((r) => {
      try {
        return deserializePosition(JSON.parse(str(r.data)) as SerializedPosition);
      } catch (err) {
        throw new Error(
          `live store '${this.path}': position ${str(r.id)} cannot be read back: ${(err as Error).message}`,
        );
      }
    });
  }

  // ------------------------------------------------------------------ write-ahead intents

  /** Writes an intent as `pending` before its order is sent. Returns its id. */
  recordIntent(i: IntentRecord): Promise<number> {
    return this.write(async (con) => {
      const r = await con.runAndReadAll(
        `INSERT INTO intents (ts, action_type, position_id, symbol, side, qty, price, client_id, order_id, reason, status)
         VALUES ($ts, $type, $pos, $symbol, $side, $qty, $price, $cid, $oid, $reason, 'pending') RETURNING id`,
        {
          ts: i.ts,
          type: i.actionType,
          pos: i.positionId,
          symbol: i.symbol,
          side: i.side,
          qty: i.qty,
          price: i.price,
          cid: i.clientId,
          oid: i.orderId,
          reason: i.reason,
        },
      );
      return num(r.getRows()[0][0]);
    });
  }

  /**
   * Records the venue's answer to the most recent pending intent of the same action, symbol, position and
   * client id (`status` `ok` or a BrokerError kind). Returns false when no pending intent matches.
   */
  resolveIntent(result: TraceIntent, resultOrderId: string | null = result.orderId): Promise<boolean> {
    return this.write(async (con) => {
      const r = await con.runAndReadAll(
        `UPDATE intents SET status = $status, result_order_id = $oid, resolved_at = $ts
         WHERE id = (SELECT max(id) FROM intents WHERE status = 'pending' AND action_type = $type
           AND symbol = $symbol AND position_id IS NOT DISTINCT FROM $pos AND client_id IS NOT DISTINCT FROM $cid)
         RETURNING id`,
        {
          status: result.status,
          oid: resultOrderId,
          ts: result.ts,
          type: result.actionType,
          symbol: result.symbol,
          pos: result.positionId,
          cid: result.clientId,
        },
      );
      return r.getRows().length > 0;
    });
  }

  /** Marks intent `id` resolved (e.g. after reconciling a pending one found at restart). */
  resolveIntentById(
    id: number,
    status: string,
    resolvedAt: number,
    resultOrderId: string | null = null,
  ): Promise<void> {
    return this.write(async (con) => {
      await con.run(
        `UPDATE intents SET status = $status, result_order_id = $oid, resolved_at = $ts WHERE id = $id`,
        {
          status,
          oid: resultOrderId,
          ts: resolvedAt,
          id,
        },
      );
    });
  }

  /** Intents, oldest first; `pending` only = written but never answered (a crash in between). */
  async intents(opts: { pendingOnly?: boolean } = {}): Promise<StoredIntent[]> {
    const rows = await this.rows(
      `SELECT * FROM intents ${opts.pendingOnly ? "WHERE status = 'pending'" : ''} ORDER BY id`,
    );
    return rows.map((r) => ({
      id: num(r.id),
      ts: num(r.ts),
      actionType: str(r.action_type) as PositionActionType,
      positionId: strOrNull(r.position_id),
      symbol: str(r.symbol),
      side: str(r.side) as IntentRecord['side'],
      qty: strOrNull(r.qty),
      price: strOrNull(r.price),
      clientId: strOrNull(r.client_id),
      orderId: strOrNull(r.order_id),
      reason: strOrNull(r.reason),
      status: str(r.status),
      resultOrderId: strOrNull(r.result_order_id),
      resolvedAt: r.resolved_at === null ? null : num(r.resolved_at),
    }));
  }

  // ------------------------------------------------------------------ fills

  /** Records fills (those already stored are skipped). Returns how many were new. */
  recordFills(fills: readonly Fill[]): Promise<number> {
    if (fills.length === 0) return Promise.resolve(0);
    return this.write(async (con) => {
      let added = 0;
      for (const f of fills) {
        const r = await con.runAndReadAll(
          `INSERT INTO fills VALUES ($id, $oid, $cid, $symbol, $side, $qty, $price, $fee, $liq, $ro, $ts)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          {
            id: f.id,
            oid: f.orderId,
            cid: f.clientId,
            symbol: f.symbol,
            side: f.side,
            qty: f.qty.toString(),
            price: f.price.toString(),
            fee: f.fee.toString(),
            liq: f.liquidity,
            ro: f.reduceOnly,
            ts: f.ts,
          },
        );
        added += r.getRows().length;
      }
      return added;
    });
  }

  /** Stored fills with `ts >= sinceTs`, oldest first. */
  async fills(sinceTs = Number.NEGATIVE_INFINITY): Promise<Fill[]> {
    const rows = await this.rows(`SELECT * FROM fills WHERE ts >= $since ORDER BY ts, id`, {
      since: Number.isFinite(sinceTs) ? sinceTs : -1e18,
    });
    return rows.map((r) => ({
      id: str(r.id),
      orderId: str(r.order_id),
      clientId: str(r.client_id),
      symbol: str(r.symbol),
      side: str(r.side) as Fill['side'],
      qty: dec(str(r.qty)),
      price: dec(str(r.price)),
      fee: dec(str(r.fee)),
      liquidity: str(r.liquidity) as Fill['liquidity'],
      reduceOnly: r.reduce_only === true,
      ts: num(r.ts),
    }));
  }

  /** Time of the latest stored fill, null when none. */
  async lastFillTs(): Promise<number | null> {
    const rows = await this.rows('SELECT max(ts) AS t FROM fills');
    const t = rows[0]?.t;
    return t === null || t === undefined ? null : num(t);
  }

  // ------------------------------------------------------------------ trades

  /**
   * Records a closed trade. One per (position, or strategy+symbol+entry time): recording it again after a
   * restart changes nothing. Returns whether it was new.
   */
  recordTrade(t: TradeRecord, positionId: string | null = null): Promise<boolean> {
    const key = positionId ?? `${t.strategyId}|${t.symbol}|${t.entryTs}`;
    return this.write(async (con) => {
      const r = await con.runAndReadAll(
        `INSERT INTO trades VALUES ($key, $pos, $strategy, $symbol, $side, $entryTs, $exitTs, $entry, $exit, $qty,
           $fees, $funding, $pnl, $net, $reason) ON CONFLICT (key) DO NOTHING RETURNING key`,
        {
          key,
          pos: positionId,
          strategy: t.strategyId,
          symbol: t.symbol,
          side: t.side,
          entryTs: t.entryTs,
          exitTs: t.exitTs,
          entry: t.entryPrice,
          exit: t.exitPrice,
          qty: t.qty,
          fees: t.fees,
          funding: t.funding,
          pnl: t.pnl,
          net: t.netPnl,
          reason: t.exitReason,
        },
      );
      return r.getRows().length > 0;
    });
  }

  /** Closed trades with exit time ≥ `sinceTs`, in exit order. */
  async trades(sinceTs = Number.NEGATIVE_INFINITY): Promise<StoredTrade[]> {
    const rows = await this.rows(`SELECT * FROM trades WHERE exit_ts >= $since ORDER BY exit_ts, key`, {
      since: Number.isFinite(sinceTs) ? sinceTs : -1e18,
    });
    return rows.map((r) => ({
      positionId: strOrNull(r.position_id),
      strategyId: str(r.strategy_id),
      symbol: str(r.symbol),
      side: str(r.side) as TradeRecord['side'],
      entryTs: num(r.entry_ts),
      exitTs: num(r.exit_ts),
      entryPrice: str(r.entry_price),
      exitPrice: str(r.exit_price),
      qty: str(r.qty),
      fees: str(r.fees),
      funding: str(r.funding),
      pnl: str(r.pnl),
      netPnl: str(r.net_pnl),
      exitReason: str(r.exit_reason),
    }));
  }

  // ------------------------------------------------------------------ halt / kill switch, small state

  /** Stores a JSON value under `key` (replacing it). */
  setState(key: string, value: JsonValue, at: number): Promise<void> {
    return this.write(async (con) => {
      await con.run(
        `INSERT INTO state VALUES ($key, $value, $at)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        { key, value: JSON.stringify(value), at },
      );
    });
  }

  /** The value under `key`, undefined when none was stored. */
  async getState(key: string): Promise<JsonValue | undefined> {
    const rows = await this.rows('SELECT value FROM state WHERE key = $key', { key });
    return rows.length === 0 ? undefined : (JSON.parse(str(rows[0].value)) as JsonValue);
  }

  /** Persists the halt (kill switch) state: a halted system stays halted across restarts (seed §7). */
  saveHaltState(h: HaltState, at: number): Promise<void> {
    return this.setState(HALT_KEY, { ...h }, at);
  }

  /** The persisted halt state ({@link NO_HALT} when none). A malformed value is an error, not "not halted". */
  async loadHaltState(): Promise<HaltState> {
    const v = await this.getState(HALT_KEY);
    if (v === undefined) return NO_HALT;
    const parsed = HaltStateSchema.safeParse(v);
    if (!parsed.success) {
      throw new UserError(
        `live store '${this.path}': the stored halt state is malformed (${parsed.error.issues[0]?.message}); ` +
          'inspect it, then clear it deliberately (smc live refuses to guess whether it was halted)',
      );
    }
    return parsed.data;
  }

  /** Commits, checkpoints and releases the file (another process may open it afterwards). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.serialize(async () => {
      if (!this.readOnly) await this.connection.run('CHECKPOINT');
    });
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
