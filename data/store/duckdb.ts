import { mkdirSync } from 'node:fs';
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

/**
 * Opens (creating the parent folder of) a DuckDB file, or ':memory:'. File databases come from the
 * process-wide instance cache because DuckDB forbids two instances attaching one file in a process.
 */
export async function openDuckDb(path: string, readOnly = false): Promise<OpenedDb> {
  let instance: DuckDBInstance;
  if (path === ':memory:') {
    instance = await DuckDBInstance.create(':memory:');
  } else {
    const abs = resolve(path);
    if (!readOnly) mkdirSync(dirname(abs), { recursive: true });
    instance = await cachedInstance(abs, readOnly);
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
async function cachedInstance(abs: string, readOnly: boolean): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.fromCache(abs, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (err) {
    if (!String((err as Error).message).includes('different configuration')) throw err;
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
