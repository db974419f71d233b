import { existsSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { allocateSeries, type CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import { type Timeframe, TimeframeSchema } from '../timeframes.ts';
import { appendFloat64Columns, copyFloat64Columns, openDuckDb } from './duckdb.ts';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.ts';
import { parseSource } from './source.ts';

/** One stored series: venue+market (`source`), canonical symbol (`BTC`), timeframe. */
export interface SeriesKey {
  source: string;
  symbol: string;
  timeframe: Timeframe;
}

/** A stored series with its row count and first/last bar open time (UTC ms). */
export interface SeriesSummary extends SeriesKey {
  rows: number;
  firstTs: number;
  lastTs: number;
}

/** Bar open times: `from` inclusive, `to` exclusive (UTC ms). */
export interface ReadRange {
  from?: number;
  to?: number;
}

export interface ReadOptions {
  /** Allocate the columns in a SharedArrayBuffer so worker threads can use them without a copy. */
  shared?: boolean;
}

/**
 * Rows of an upsert by what happened to them: `inserted` (new ts), `updated` (ts existed with other
 * values), `unchanged` (ts existed with identical values; nothing written).
 */
export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

const READ_COLUMNS = 'CAST(ts AS DOUBLE), open, high, low, "close", volume';

/**
 * The candle store: one DuckDB file (or ':memory:') holding every (source, symbol, timeframe) series.
 *
 * Writes are idempotent upserts keyed by (source, symbol, timeframe, ts), each in one transaction, so a
 * failed write leaves the store as it was. Reads copy DuckDB's column vectors straight into float64
 * typed arrays (no per-row objects). Symbols are stored in canonical form (`canonicalSymbol`), so
 * `BTCUSDT`, `PF_XBTUSD` and `BTC` name the same series. Calls on one store are serialized.
 */
export class CandleStore {
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
   * Opens the store at `path` (creating the file, its parent folder and the schema unless `readOnly`).
   * `':memory:'` gives a throw-away store.
   */
  static async open(path: string, opts: { readOnly?: boolean } = {}): Promise<CandleStore> {
    const readOnly = opts.readOnly ?? false;
    if (path.trim() === '') throw new UserError('--db needs a file path (or :memory:)');
    if (readOnly && path !== ':memory:' && !existsSync(path)) {
      throw new UserError(
        `database '${path}' does not exist: import candles first (smc data import) or fix --db`,
      );
    }
    const { instance, connection } = await openDuckDb(path, readOnly);
    const store = new CandleStore(path, readOnly, instance, connection);
    try {
      await store.prepareSchema();
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    return store;
  }

  private async prepareSchema(): Promise<void> {
    if (this.readOnly) {
      const r = await this.connection.runAndReadAll(
        `SELECT count(*) FROM information_schema.tables WHERE table_name = 'bars'`,
      );
      if (Number(r.getRows()[0][0]) === 0) {
        throw new UserError(
          `database '${this.path}' holds no candle store: import candles first or fix --db`,
        );
      }
    } else {
      await this.connection.run(SCHEMA_SQL);
    }
    const v = await this.connection.runAndReadAll(
      `SELECT value FROM store_meta WHERE key = 'schema_version'`,
    );
    const version = v.getRows()[0]?.[0];
    if (version !== undefined && Number(version) !== SCHEMA_VERSION) {
      throw new UserError(
        `database '${this.path}' has store schema ${String(version)}, this smc needs ${SCHEMA_VERSION}: ` +
          're-import into a new --db file',
      );
    }
    if (!this.readOnly) {
      await this.connection.run(`CREATE TEMP TABLE IF NOT EXISTS stage (
        ts DOUBLE, open DOUBLE, high DOUBLE, low DOUBLE, "close" DOUBLE, volume DOUBLE)`);
    }
  }

  /** Runs `fn` after every earlier call on this store has finished (one DuckDB connection, one txn). */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`candle store '${this.path}' is closed`));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Inserts or replaces the bars of `series` in one transaction. Idempotent: writing the same series
   * twice changes nothing the second time. The series must have strictly increasing integer `ts` and
   * finite values (validate files first: data/validate); otherwise nothing is written.
   */
  async upsert(series: CandleSeries): Promise<UpsertResult> {
    const key = normalizeKey(series);
    checkWritable(series);
    return this.serialize(async () => {
      if (this.readOnly)
        throw new UserError(`database '${this.path}' is open read-only: cannot write candles`);
      if (series.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
      const con = this.connection;
      await con.run('BEGIN TRANSACTION');
      try {
        const id = await this.ensureSeriesId(key);
        await con.run('DELETE FROM temp.main.stage');
        const cols = [series.ts, series.open, series.high, series.low, series.close, series.volume];
        await appendFloat64Columns(con, 'stage', cols, series.length, 'main', 'temp');
        const last = await con.runAndReadAll('SELECT max(ts) FROM bars WHERE series_id = $id', { id });
        const lastTs = last.getRows()[0][0];
        if (lastTs === null || series.ts[0] > Number(lastTs)) {
          // A new series or a pure append (a resumed download): every row is new, no diff needed.
          await con.run(
            `INSERT INTO bars SELECT $id, CAST(ts AS BIGINT), open, high, low, "close", volume FROM temp.main.stage`,
            { id },
          );
          await con.run('COMMIT');
          return { inserted: series.length, updated: 0, unchanged: 0 };
        }
        // Only new or changed rows are written, so re-importing the same data costs a join, not a rewrite.
        await con.run(
          `CREATE OR REPLACE TEMP TABLE changed AS
           SELECT CAST(s.ts AS BIGINT) AS ts, s.open, s.high, s.low, s."close", s.volume,
                  b.ts IS NOT NULL AS existed
           FROM temp.main.stage s
           LEFT JOIN (SELECT * FROM bars WHERE series_id = $id) b ON b.ts = CAST(s.ts AS BIGINT)
           WHERE b.ts IS NULL OR b.open <> s.open OR b.high <> s.high OR b.low <> s.low
              OR b."close" <> s."close" OR b.volume <> s.volume`,
          { id },
        );
        const counts = await con.runAndReadAll(
          `SELECT count(*) FILTER (WHERE NOT existed), count(*) FILTER (WHERE existed) FROM temp.main.changed`,
        );
        const [ins, upd] = counts.getRows()[0];
        const inserted = Number(ins);
        const updated = Number(upd);
        if (updated > 0) {
          await con.run(
            `DELETE FROM bars WHERE series_id = $id AND ts IN (SELECT ts FROM temp.main.changed WHERE existed)`,
            { id },
          );
        }
        if (inserted + updated > 0) {
          await con.run(
            `INSERT INTO bars SELECT $id, ts, open, high, low, "close", volume FROM temp.main.changed`,
            { id },
          );
        }
        await con.run('DROP TABLE temp.main.changed');
        await con.run('COMMIT');
        return { inserted, updated, unchanged: series.length - inserted - updated };
      } catch (err) {
        await con.run('ROLLBACK');
        throw err;
      }
    });
  }

  /**
   * The bars of `key` with open time in [from, to), ascending, as float64 columns. A series the store
   * does not hold reads as an empty series (length 0).
   */
  async read(key: SeriesKey, range: ReadRange = {}, opts: ReadOptions = {}): Promise<CandleSeries> {
    const k = normalizeKey(key);
    return this.serialize(() => this.readUnlocked(k, range, opts));
  }

  /** {@link read} for several keys, in the order given. */
  async readMany(
    keys: readonly SeriesKey[],
    range: ReadRange = {},
    opts: ReadOptions = {},
  ): Promise<CandleSeries[]> {
    const ks = keys.map(normalizeKey);
    return this.serialize(async () => {
      const out: CandleSeries[] = [];
      for (const k of ks) out.push(await this.readUnlocked(k, range, opts));
      return out;
    });
  }

  private async readUnlocked(key: SeriesKey, range: ReadRange, opts: ReadOptions): Promise<CandleSeries> {
    const id = await this.findSeriesId(key);
    if (id === undefined) return allocateSeries(key, 0, opts.shared);
    const where = ['series_id = $id'];
    const params: Record<string, number> = { id };
    if (range.from !== undefined) {
      where.push('ts >= $from');
      params.from = range.from;
    }
    if (range.to !== undefined) {
      where.push('ts < $to');
      params.to = range.to;
    }
    const sql = `SELECT ${READ_COLUMNS} FROM bars WHERE ${where.join(' AND ')}`;
    // DuckDB returns a plain scan in insertion order, and upserts append in time order except when older
    // bars are backfilled; an ORDER BY would double the cost of every load, so sort only when needed.
    let result = await this.connection.run(sql, params);
    const series = allocateSeries(key, result.rowCount, opts.shared);
    const cols = [series.ts, series.open, series.high, series.low, series.close, series.volume];
    copyFloat64Columns(result, cols);
    if (!strictlyAscending(series.ts)) {
      result = await this.connection.run(`${sql} ORDER BY ts`, params);
      copyFloat64Columns(result, cols);
    }
    return series;
  }

  /** Every series with at least one bar, ordered by source, symbol, timeframe. */
  list(): Promise<SeriesSummary[]> {
    return this.serialize(async () => {
      const r = await this.connection.runAndReadAll(
        `SELECT s.source, s.symbol, s.timeframe, count(*), min(b.ts), max(b.ts)
         FROM bars b JOIN series s ON s.id = b.series_id
         GROUP BY s.source, s.symbol, s.timeframe
         ORDER BY s.source, s.symbol, s.timeframe`,
      );
      return r.getRows().map(([source, symbol, timeframe, rows, first, last]) => ({
        source: String(source),
        symbol: String(symbol),
        timeframe: TimeframeSchema.parse(timeframe),
        rows: Number(rows),
        firstTs: Number(first),
        lastTs: Number(last),
      }));
    });
  }

  /** Open time of the last stored bar of `key`, or null when it has none (resuming downloads). */
  async lastTs(key: SeriesKey): Promise<number | null> {
    const k = normalizeKey(key);
    return this.serialize(async () => {
      const id = await this.findSeriesId(k);
      if (id === undefined) return null;
      const r = await this.connection.runAndReadAll('SELECT max(ts) FROM bars WHERE series_id = $id', { id });
      const v = r.getRows()[0][0];
      return v === null ? null : Number(v);
    });
  }

  /** Closes the connection; later calls fail. Waits for calls already queued. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async findSeriesId(key: SeriesKey): Promise<number | undefined> {
    const r = await this.connection.runAndReadAll(
      'SELECT id FROM series WHERE source = $source AND symbol = $symbol AND timeframe = $timeframe',
      { source: key.source, symbol: key.symbol, timeframe: key.timeframe },
    );
    const row = r.getRows()[0];
    return row === undefined ? undefined : Number(row[0]);
  }

  private async ensureSeriesId(key: SeriesKey): Promise<number> {
    const found = await this.findSeriesId(key);
    if (found !== undefined) return found;
    const r = await this.connection.runAndReadAll(
      `INSERT INTO series (id, source, symbol, timeframe)
       VALUES (nextval('series_id_seq'), $source, $symbol, $timeframe) RETURNING id`,
      { source: key.source, symbol: key.symbol, timeframe: key.timeframe },
    );
    return Number(r.getRows()[0][0]);
  }
}

/** Canonical symbol, validated source and timeframe: the form every key takes inside the store. */
export function normalizeKey(key: SeriesKey): SeriesKey {
  return {
    source: parseSource(key.source, 'source'),
    symbol: canonicalSymbol(key.symbol),
    timeframe: TimeframeSchema.parse(key.timeframe),
  };
}

function strictlyAscending(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (!(ts[i] > ts[i - 1])) return false;
  return true;
}

/** Refuses a series the store must not hold: unsorted or fractional ts, non-finite values. */
function checkWritable(s: CandleSeries): void {
  const cols = [s.open, s.high, s.low, s.close, s.volume];
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    const t = s.ts[i];
    if (!Number.isSafeInteger(t) || t <= prev) {
      throw new UserError(
        `cannot store ${s.symbol} ${s.timeframe}: bar ${i} has ts ${t}, not an integer after ${prev}; ` +
          'bars must be strictly increasing UTC ms (validate or --repair the input first)',
      );
    }
    prev = t;
    for (const c of cols) {
      if (!Number.isFinite(c[i])) {
        throw new UserError(
          `cannot store ${s.symbol} ${s.timeframe}: bar ${i} (ts ${t}) has a non-finite value; ` +
            'validate or --repair the input first',
        );
      }
    }
  }
}
