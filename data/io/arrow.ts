import { readFileSync, writeFileSync } from 'node:fs';
import {
  type DataType,
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Type,
  tableFromIPC,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import type { CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import { resolveColumns } from './columns.ts';
import { hintsFromMetadata, seriesMetadata } from './file-meta.ts';
import type { CellProblem, RawCandles } from './raw-candles.ts';
import { epochToMs, epochUnitOf, parseNumberCell, parseTimestampText } from './timestamp.ts';

/**
 * Arrow IPC candle files (the file format, `.arrow`/`.feather`; the stream format reads too), via
 * `apache-arrow`. Written files have `ts` as Timestamp(ms, UTC) and float64 OHLCV columns, with the same
 * schema metadata as our Parquet files (source, symbol, timeframe, rows, first_ts, last_ts).
 */

/** Writes `series` to an Arrow IPC file at `path` (overwriting it). */
export function writeArrowCandles(series: CandleSeries, path: string): void {
  const n = series.length;
  const tsType = new TimestampMillisecond('UTC');
  const fields = [
    new Field('ts', tsType, false),
    ...(['open', 'high', 'low', 'close', 'volume'] as const).map((f) => new Field(f, new Float64(), false)),
  ];
  const schema = new Schema(fields, new Map(Object.entries(seriesMetadata(series))));
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ts[i] = BigInt(series.ts[i]);
  const children = [
    makeData({ type: tsType, length: n, data: ts }),
    ...[series.open, series.high, series.low, series.close, series.volume].map((col) =>
      makeData({ type: new Float64(), length: n, data: col.slice() }),
    ),
  ];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, children }));
  try {
    writeFileSync(path, tableToIPC(new Table(schema, [batch]), 'file'));
  } catch (err) {
    throw new UserError(`cannot write Arrow file '${path}': ${(err as Error).message}`);
  }
}

/** Reads an Arrow IPC candle file into raw columns, rows numbered from 1; nulls become NaN. */
export function readArrowCandles(path: string): RawCandles {
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(path));
  } catch (err) {
    throw new UserError(`cannot read Arrow file '${path}': ${(err as Error).message}`);
  }
  const names = table.schema.fields.map((f) => f.name);
  const map = resolveColumns(names, path);
  const n = table.numRows;
  const column = (i: number): Vector => {
    const v = table.getChildAt(i);
    if (v === null) throw new UserError(`${path}: column ${names[i]} has no data`);
    return v;
  };
  const problems: CellProblem[] = [];
  const ts = readTimeColumn(column(map.ts), n, problems);
  const [open, high, low, close, volume] = [map.open, map.high, map.low, map.close, map.volume].map((i) =>
    readNumberColumn(column(i), n),
  );
  const rowNumber = new Int32Array(n);
  for (let i = 0; i < n; i++) rowNumber[i] = i + 1;
  const meta = Object.fromEntries(table.schema.metadata);
  return {
    path,
    rowLabel: 'row',
    length: n,
    rowNumber,
    ts,
    open,
    high,
    low,
    close,
    volume,
    problems,
    hints: hintsFromMetadata(meta),
  };
}

function isNumeric(type: DataType): boolean {
  return type.typeId === Type.Float || type.typeId === Type.Int || type.typeId === Type.Decimal;
}

function readNumberColumn(v: Vector, n: number): Float64Array {
  if (v.type.typeId === Type.Float && v.nullCount === 0)
    return Float64Array.from(v.toArray() as ArrayLike<number>);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = v.get(i);
    out[i] =
      typeof x === 'number'
        ? x
        : typeof x === 'bigint'
          ? Number(x)
          : typeof x === 'string'
            ? parseNumberCell(x)
            : Number.NaN;
  }
  return out;
}

function readTimeColumn(v: Vector, n: number, problems: CellProblem[]): Float64Array {
  const out = new Float64Array(n);
  const typeId = v.type.typeId;
  if (typeId === Type.Timestamp || typeId === Type.Date) {
    // apache-arrow returns epoch ms (a number) for every timestamp and date unit.
    for (let i = 0; i < n; i++) {
      const x: unknown = v.get(i);
      out[i] = typeof x === 'number' ? x : Number.NaN;
    }
    return out;
  }
  if (isNumeric(v.type)) {
    const raw = readNumberColumn(v, n);
    const first = raw.find((t) => Number.isFinite(t));
    const unit = first === undefined ? 'ms' : epochUnitOf(first);
    for (let i = 0; i < n; i++) out[i] = epochToMs(raw[i], unit);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const x: unknown = v.get(i);
    out[i] = typeof x === 'string' ? parseTimestampText(x) : Number.NaN;
    if (Number.isNaN(out[i]))
      problems.push({ index: i, message: `row ${i + 1}: time '${String(x)}' is not a timestamp` });
  }
  return out;
}
