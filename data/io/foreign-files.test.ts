import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../store/duckdb.ts';
import { validateCandles } from '../validate/validate-candles.ts';
import { readArrowCandles } from './arrow.ts';
import { prepareCandleFile } from './import-candles.ts';
import { readParquetCandles } from './parquet.ts';

/** Parquet and Arrow files written by other tools (pandas, polars, DuckDB) with their own column types. */
const dir = mkdtempSync(join(tmpdir(), 'smc-foreign-'));
const T0 = Date.UTC(2020, 0, 1);

async function duckParquet(name: string, select: string): Promise<string> {
  const path = join(dir, name);
  const { instance, connection } = await openDuckDb(':memory:');
  const rows = `SELECT * FROM (VALUES (${T0}::BIGINT, 1.0, 2.0, 0.5, 1.5, 10.0), (${T0 + 3_600_000}, 1.5, 2.5, 1.0, 2.0, NULL)) t(ms, o, h, l, c, v)`;
  await connection.run(`COPY (${select.replace('$ROWS', rows)}) TO '${path}' (FORMAT PARQUET)`);
  connection.closeSync();
  instance.closeSync();
  return path;
}

describe('foreign Parquet files', () => {
  it.each([
    [
      'nanosecond timestamps',
      `SELECT epoch_ms(ms)::TIMESTAMP_NS AS "Date", o AS "Open", h AS "High", l AS "Low", c AS "Close", v AS "Volume" FROM ($ROWS)`,
    ],
    [
      'epoch seconds',
      'SELECT ms // 1000 AS timestamp, o AS open, h AS high, l AS low, c AS close, v AS volume FROM ($ROWS)',
    ],
    [
      'text times and decimals',
      `SELECT strftime(epoch_ms(ms), '%Y-%m-%d %H:%M:%S') AS date, o::DECIMAL(10,2) AS open, h AS high, l AS low, c AS close, v AS volume FROM ($ROWS)`,
    ],
  ])('%s: read, with the NULL volume reported by row', async (name, select) => {
    const raw = await readParquetCandles(await duckParquet(`${name.replaceAll(' ', '_')}.parquet`, select));
    expect([...raw.ts]).toEqual([T0, T0 + 3_600_000]);
    expect([...raw.open]).toEqual([1, 1.5]);
    const report = validateCandles(raw, '1h');
    expect(report.issues.map((i) => i.message)).toEqual([
      'row 2: volume NaN: missing or not a finite number',
    ]);
  });

  it('a file without usable metadata needs --source, then imports', async () => {
    const path = await duckParquet(
      'BTCUSDT_1h.parquet',
      'SELECT ms AS open_time, o AS open, h AS high, l AS low, c AS close, 1.0 AS volume FROM ($ROWS)',
    );
    await expect(prepareCandleFile(path)).rejects.toThrow(/pass --source/);
    const p = await prepareCandleFile(path, { source: 'binance-spot' });
    expect([p.series.symbol, p.series.timeframe, p.series.length]).toEqual(['BTC', '1h', 2]);
  });
});

describe('foreign Arrow IPC files', () => {
  it('reads Int64 epoch-ms times and text numbers', () => {
    const fields = [
      new Field('open_time', new Int64()),
      ...['open', 'high', 'low', 'close'].map((f) => new Field(f, new Float64())),
      new Field('volume', new Utf8()),
    ];
    const schema = new Schema(fields);
    const f64 = (v: number[]) => makeData({ type: new Float64(), length: 2, data: Float64Array.from(v) });
    const vol = makeData({
      type: new Utf8(),
      length: 2,
      valueOffsets: Int32Array.from([0, 2, 5]),
      data: new TextEncoder().encode('10abc'),
    });
    const children = [
      makeData({
        type: new Int64(),
        length: 2,
        data: BigInt64Array.from([BigInt(T0), BigInt(T0 + 900_000)]),
      }),
      f64([1, 1.5]),
      f64([2, 2.5]),
      f64([0.5, 1]),
      f64([1.5, 2]),
      vol,
    ];
    const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 2, children }));
    const path = join(dir, 'x.arrow');
    writeFileSync(path, tableToIPC(new Table(schema, [batch]), 'stream'));
    const raw = readArrowCandles(path);
    expect([...raw.ts]).toEqual([T0, T0 + 900_000]);
    expect(raw.volume[0]).toBe(10);
    expect(validateCandles(raw, '15m').issues.map((i) => i.message)).toEqual([
      'row 2: volume NaN: missing or not a finite number',
    ]);
  });
});
