import { UserError } from '../errors.ts';
import type { CandleStore, ReadRange, SeriesKey } from '../store/candle-store.ts';
import { writeArrowCandles } from './arrow.ts';
import { writeCsvCandles } from './csv-write.ts';
import { type CandleFileFormat, formatFromPath } from './file-meta.ts';
import { writeParquetCandles } from './parquet.ts';

export interface ExportOptions {
  /** Default: from the extension of `out`. */
  format?: CandleFileFormat;
  range?: ReadRange;
  /** CSV timestamps: ISO (default) or epoch ms. */
  csvTs?: 'iso' | 'ms';
}

export interface ExportReport extends SeriesKey {
  path: string;
  format: CandleFileFormat;
  rows: number;
  firstTs: number | null;
  lastTs: number | null;
}

/**
 * Writes one stored series to `out` as CSV, Parquet or Arrow IPC. Every format re-imports to the same
 * float64 values (CSV → store → Parquet → store → CSV is byte-identical). Refuses an empty selection
 * rather than writing an empty file.
 */
export async function exportCandles(
  store: CandleStore,
  key: SeriesKey,
  out: string,
  opts: ExportOptions = {},
): Promise<ExportReport> {
  const format = opts.format ?? formatFromPath(out);
  if (format === undefined) {
    throw new UserError(`cannot tell the format of '${out}': pass --format csv|parquet|arrow`);
  }
  const series = await store.read(key, opts.range ?? {});
  if (series.length === 0) {
    throw new UserError(
      `no ${key.source} ${key.symbol} ${key.timeframe} candles in the store for that range: check smc data list`,
    );
  }
  if (format === 'csv') await writeCsvCandles(series, out, { tsFormat: opts.csvTs });
  else if (format === 'parquet') await writeParquetCandles(series, out);
  else writeArrowCandles(series, out);
  return {
    source: series.source,
    symbol: series.symbol,
    timeframe: series.timeframe,
    path: out,
    format,
    rows: series.length,
    firstTs: series.ts[0],
    lastTs: series.ts[series.length - 1],
  };
}
