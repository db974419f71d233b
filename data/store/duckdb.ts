import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDoubleVector,
  DuckDBInstance,
  type DuckDBMaterializedResult,
} from '@duckdb/node-api';
import { UserError } from '../errors.ts';

/**
 * The few DuckDB primitives the store and the Parquet reader/writer share: opening a database with UTC
 * session time, bulk-appending float64 columns through data chunks, and copying float64 result columns
 * into preallocated typed arrays. Nothing here creates a JS object per row.
 */

export interface OpenedDb {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

export interface OpenDuckDbOptions {
  /** The flag or setting the path came from, named in error messages (default `--db`). */
  readonly flag?: string;
}

/**
 * Creates the missing folders above a database file, one level at a time from the nearest existing one.
 * Not `mkdirSync(…, { recursive: true })`: on procfs and sysfs (`--db /proc/x/y.duckdb`) mkdir answers
 * ENOENT for a folder whose parent exists, and Node's recursive mkdir retries that forever (session-1
 * bug: `smc demo` spun at 100% CPU). Any refusal here is one UserError naming the flag and the fix.
 */
export function ensureParentDir(file: string, flag = '--db'): void {
  const missing: string[] = [];
  let dir = dirname(resolve(file));
  while (!existsSync(dir)) {
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const fix = `give ${flag} a file in a folder you can write, e.g. .local/smc.duckdb`;
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`${flag} '${file}': '${dir}' is a file, not a folder: ${fix}`);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new UserError(`${flag} '${file}': cannot create the folder '${d}' (${code}): ${fix}`);
    }
  }
}

/**
 * Opens (creating the parent folder of) a DuckDB file, or ':memory:'. File databases come from the
 * process-wide instance cache because DuckDB forbids two instances attaching one file in a process.
 */
export async function openDuckDb(
  path: string,
  readOnly = false,
  opts: OpenDuckDbOptions = {},
): Promise<OpenedDb> {
  let instance: DuckDBInstance;
  if (path === ':memory:') {
    instance = await DuckDBInstance.create(':memory:');
  } else {
    const abs = resolve(path);
    if (!readOnly) ensureParentDir(path, opts.flag);
    instance = await cachedInstance(abs, readOnly, opts.flag ?? '--db', path);
  }
  const connection = await instance.connect();
  // Timestamps are UTC everywhere (SPEC §2); without this DuckDB would use the machine's zone when it
  // casts between TIMESTAMP and TIMESTAMPTZ.
  await connection.run(`SET TimeZone = 'UTC'`);
  return { instance, connection };
}

/**
 * DuckDB refuses a second configuration for a file already open in this process. A read-only open may
 * then share the read-write instance (CandleStore itself refuses writes when opened read-only); a
 * read-write open next to a read-only one cannot be served.
 */
async function cachedInstance(
  abs: string,
  readOnly: boolean,
  flag: string,
  given: string,
): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.fromCache(abs, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (err) {
    const msg = String((err as Error).message);
    // a file DuckDB cannot create or open there (`--db /proc/y.duckdb`, a read-only disk): the user's fix
    if (/^IO Error: Cannot open file/.test(msg)) {
      throw new UserError(
        `${flag} '${given}': ${msg}: give ${flag} a file you can write, e.g. .local/smc.duckdb`,
      );
    }
    if (!msg.includes('different configuration')) throw err;
    if (readOnly) return DuckDBInstance.fromCache(abs, {});
    throw new UserError(
      `database '${abs}' is already open read-only in this process: close that store before writing to it`,
    );
  }
}

/** A SQL string literal (single quotes doubled); for paths and names that cannot be bound as parameters. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const CHUNK_ROWS = 2048;

/**
 * Appends `length` rows of float64 columns to `table` (whose columns are all DOUBLE, in this order)
 * through one reusable data chunk. Callers own the transaction.
 */
export async function appendFloat64Columns(
  connection: DuckDBConnection,
  table: string,
  columns: readonly Float64Array[],
  length: number,
  schema = 'main',
  catalog: string | null = null,
): Promise<void> {
  const appender = await connection.createAppender(table, schema, catalog);
  try {
    const chunk = DuckDBDataChunk.create(columns.map(() => DOUBLE));
    for (let offset = 0; offset < length; offset += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, length - offset);
      chunk.rowCount = rows;
      for (let c = 0; c < columns.length; c++) {
        const vector = chunk.getColumnVector(c);
        const src = columns[c];
        for (let i = 0; i < rows; i++) vector.setItem(i, src[offset + i]);
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
}

/**
 * Copies the DOUBLE columns of a materialized result into `dst` (one Float64Array per column, at least
 * `result.rowCount` long) chunk by chunk. NULL becomes NaN so callers can report it as a bad value.
 */
export function copyFloat64Columns(result: DuckDBMaterializedResult, dst: readonly Float64Array[]): void {
  let offset = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const rows = chunk.rowCount;
    for (let c = 0; c < dst.length; c++) {
      const vector = chunk.getColumnVector(c);
      if (!(vector instanceof DuckDBDoubleVector)) {
        throw new Error(
          `column ${c} of the result is ${vector.type.toString()}, not DOUBLE: cast it in the query`,
        );
      }
      const out = dst[c];
      for (let i = 0; i < rows; i++) out[offset + i] = vector.getItem(i) ?? Number.NaN;
    }
    offset += rows;
  }
}
