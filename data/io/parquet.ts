import { existsSync } from 'node:fs';
import { DuckDBVarCharVector } from '@duckdb/node-api';
import type { CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { appendFloat64Columns, copyFloat64Columns, openDuckDb, sqlString } from '../store/duckdb.ts';
import { resolveColumns } from './columns.ts';
import { hintsFromMetadata, seriesMetadata } from './file-meta.ts';
import type { CellProblem, RawCandles } from './raw-candles.ts';
import { epochToMs, epochUnitOf, parseTimestampText } from './timestamp.ts';

/**
 * Parquet candle files, read and written by DuckDB (in a throw-away in-memory database).
 *
 * Written files have columns `ts` (TIMESTAMP WITH TIME ZONE, UTC, exact to the ms) and float64
 * open/high/low/close/volume, zstd-compressed, with key-value metadata `source`, `symbol`,
 * `timeframe`, `rows`, `first_ts`, `last_ts` (ISO) so an import needs no flags and a reader can check
 * a file without scanning it. Any Parquet file with recognisable column names reads back (ts as a
 * timestamp, a date, epoch numbers or text).
 */

export interface ParquetWriteOptions {
  /** zstd level 1–22 (default 3; the bundled sample uses 19). */
  compressionLevel?: number;
  /** Extra key-value metadata (e.g. provenance). */
  metadata?: Record<string, string>;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const META_KEY = /^[a-z_][a-z0-9_]*$/;

/** Writes `series` to a Parquet file at `path` (overwriting it). */
export async function writeParquetCandles(
  series: CandleSeries,
  path: string,
  opts: ParquetWriteOptions = {},
): Promise<void> {
  const level = opts.compressionLevel ?? 3;
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw new UserError(`compression level ${level} is not an integer in 1..22`);
  }
  const meta: Record<string, string> = {
    ...seriesMetadata(series),
    ...(opts.metadata ?? {}),
  };
  for (const k of Object.keys(meta)) {
    if (!META_KEY.test(k)) throw new Error(`Parquet metadata key '${k}' must be snake_case`);
  }
  const kv = Object.entries(meta)
    .map(([k, v]) => `${k}: ${sqlString(v)}`)
    .join(', ');
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    await connection.run(
      'CREATE TABLE stage (ts DOUBLE, open DOUBLE, high DOUBLE, low DOUBLE, "close" DOUBLE, volume DOUBLE)',
    );
    const cols = [series.ts, series.open, series.high, series.low, series.close, series.volume];
    await appendFloat64Columns(connection, 'stage', cols, series.length);
    await connection.run(
      `COPY (SELECT timezone('UTC', epoch_ms(CAST(ts AS BIGINT))) AS ts, open, high, low, "close", volume
             FROM stage ORDER BY ts)
       TO ${sqlString(path)} (FORMAT PARQUET, COMPRESSION ZSTD, COMPRESSION_LEVEL ${level}, KV_METADATA {${kv}})`,
    );
  } catch (err) {
    throw new UserError(`cannot write Parquet '${path}': ${(err as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Key-value metadata of a Parquet file (empty when it has none). */
export async function readParquetMetadata(path: string): Promise<Record<string, string>> {
  if (!existsSync(path)) throw new UserError(`cannot read '${path}': no such file`);
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    const r = await connection.runAndReadAll(
      `SELECT decode(key), decode(value) FROM parquet_kv_metadata(${sqlString(path)})`,
    );
    return Object.fromEntries(r.getRows().map(([k, v]) => [String(k), String(v)]));
  } catch (err) {
    throw new UserError(`cannot read Parquet '${path}': ${(err as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Reads a Parquet candle file into raw columns, rows numbered from 1 in file order; NULL or
 * non-numeric cells become NaN for the validator to report.
 */
export async function readParquetCandles(path: string): Promise<RawCandles> {
  if (!existsSync(path)) throw new UserError(`cannot read '${path}': no such file`);
  const hints = hintsFromMetadata(await readParquetMetadata(path));
  const { instance, connection } = await openDuckDb(':memory:');
  try {
    const src = `read_parquet(${sqlString(path)}, file_row_number = true)`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    const names = described.getRows().map((r) => String(r[0]));
    const types = described.getRows().map((r) => String(r[1]).toUpperCase());
    const realNames = names.filter((n) => n !== 'file_row_number');
    const map = resolveColumns(realNames, path);
    const col = (i: number) => ident(realNames[i]);
    const tsType = types[names.indexOf(realNames[map.ts])];
    const tsKind = tsType.startsWith('TIMESTAMP')
      ? 'time'
      : tsType === 'DATE'
        ? 'date'
        : tsType === 'VARCHAR'
          ? 'text'
          : 'number';
    const tsExpr =
      tsKind === 'time'
        ? `CAST(epoch_ms(${col(map.ts)}) AS DOUBLE)`
        : tsKind === 'date'
          ? `CAST(epoch_ms(CAST(${col(map.ts)} AS TIMESTAMP)) AS DOUBLE)`
          : tsKind === 'number'
            ? `TRY_CAST(${col(map.ts)} AS DOUBLE)`
            : 'CAST(NULL AS DOUBLE)';
    const fields = [map.open, map.high, map.low, map.close, map.volume].map(
      (i) => `TRY_CAST(${col(i)} AS DOUBLE)`,
    );
    const result = await connection.run(
      `SELECT CAST(file_row_number + 1 AS DOUBLE), ${tsExpr}, ${fields.join(', ')}
       FROM ${src} ORDER BY file_row_number`,
    );
    const n = result.rowCount;
    const [rowNo, ts, open, high, low, close, volume] = Array.from({ length: 7 }, () => new Float64Array(n));
    copyFloat64Columns(result, [rowNo, ts, open, high, low, close, volume]);
    const problems: CellProblem[] = [];
    if (tsKind === 'text') {
      const text = await connection.run(
        `SELECT CAST(${col(map.ts)} AS VARCHAR) FROM ${src} ORDER BY file_row_number`,
      );
      let i = 0;
      for (let k = 0; k < text.chunkCount; k++) {
        const chunk = text.getChunk(k);
        const v = chunk.getColumnVector(0);
        if (!(v instanceof DuckDBVarCharVector)) throw new Error('expected a VARCHAR column');
        for (let j = 0; j < chunk.rowCount; j++, i++) {
          const cell = v.getItem(j) ?? '';
          ts[i] = parseTimestampText(cell);
          if (Number.isNaN(ts[i]))
            problems.push({ index: i, message: `row ${i + 1}: time '${cell}' is not a timestamp` });
        }
      }
    } else if (tsKind === 'number') {
      const firstFinite = ts.find((t) => Number.isFinite(t));
      if (firstFinite !== undefined) {
        const unit = epochUnitOf(firstFinite);
        for (let i = 0; i < n; i++) ts[i] = epochToMs(ts[i], unit);
      }
    }
    const raw: RawCandles = {
      path,
      rowLabel: 'row',
      length: n,
      rowNumber: Int32Array.from(rowNo),
      ts,
      open,
      high,
      low,
      close,
      volume,
      problems,
      hints,
    };
    return raw;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read Parquet '${path}': ${(err as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
