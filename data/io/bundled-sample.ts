import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import type { CandleStore, SeriesKey } from '../store/candle-store.ts';
import { TimeframeSchema } from '../timeframes.ts';
import { importCandleFile, prepareCandleFile } from './import-candles.ts';
import { readParquetMetadata, writeParquetCandles } from './parquet.ts';

/**
 * The real candles committed with the project (data/samples/, see PROVENANCE.md there): Binance USD-M
 * perpetual 1h bars of BTC, ETH, SOL, DOGE, BNB 2020–2023 plus the publisher's own 4h and 1d bars, as
 * zstd Parquet. Tests and `smc demo` use them, so nothing needs `../shared`.
 */
export const BUNDLED_SAMPLE_DIR = fileURLToPath(new URL('../samples/', import.meta.url));

/** The bundled Parquet files, sorted (folder = source, as in `../shared/data`). */
export function bundledSampleFiles(): string[] {
  const out: string[] = [];
  if (!existsSync(BUNDLED_SAMPLE_DIR)) {
    throw new UserError(
      `the bundled sample folder ${BUNDLED_SAMPLE_DIR} is missing: is the checkout complete?`,
    );
  }
  for (const entry of readdirSync(BUNDLED_SAMPLE_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(BUNDLED_SAMPLE_DIR, entry.name);
    for (const f of readdirSync(dir)) if (f.endsWith('.parquet')) out.push(join(dir, f));
  }
  if (out.length === 0)
    throw new UserError(`no bundled sample files under ${BUNDLED_SAMPLE_DIR}: is the checkout complete?`);
  return out.sort();
}

export interface SampleFileStatus extends SeriesKey {
  path: string;
  rows: number;
  /** `present`: the store already held exactly these bars' span and count, so the file was not read. */
  status: 'imported' | 'present';
  inserted: number;
  updated: number;
}

/**
 * Imports every bundled sample file into `store`. Idempotent and fast when already done: a file whose
 * (source, symbol, timeframe) the store holds with the same row count and first/last bar (per the
 * file's metadata) is skipped without reading it.
 */
export async function importBundledSample(
  store: CandleStore,
  onProgress?: (done: number, total: number, path: string) => void,
): Promise<SampleFileStatus[]> {
  const files = bundledSampleFiles();
  const stored = new Map((await store.list()).map((s) => [`${s.source}|${s.symbol}|${s.timeframe}`, s]));
  const out: SampleFileStatus[] = [];
  for (let i = 0; i < files.length; i++) {
    const path = files[i];
    onProgress?.(i, files.length, path);
    const meta = await readParquetMetadata(path);
    const key: SeriesKey = {
      source: meta.source,
      symbol: meta.symbol,
      timeframe: TimeframeSchema.parse(meta.timeframe),
    };
    const have = stored.get(`${key.source}|${key.symbol}|${key.timeframe}`);
    const rows = Number(meta.rows);
    if (
      have !== undefined &&
      have.rows === rows &&
      have.firstTs === Date.parse(meta.first_ts) &&
      have.lastTs === Date.parse(meta.last_ts)
    ) {
      out.push({ ...key, path, rows, status: 'present', inserted: 0, updated: 0 });
      continue;
    }
    const r = await importCandleFile(store, path);
    out.push({
      ...key,
      path,
      rows: r.rowsStored,
      status: 'imported',
      inserted: r.inserted,
      updated: r.updated,
    });
  }
  onProgress?.(files.length, files.length, '');
  return out;
}

/**
 * Rebuilds the bundled sample from the publisher's CSV files (e.g. `../shared/data/binance-usdm-perp`):
 * each file is validated like an import (a bad row stops the build), then written as zstd-19 Parquet
 * under data/samples/<source>/ with provenance metadata. Run by hand; see data/samples/PROVENANCE.md.
 */
export async function buildBundledSample(fromDir: string, provenance: string): Promise<string[]> {
  const written: string[] = [];
  const files = readdirSync(fromDir)
    .filter((f) => /^(BTC|ETH|SOL|DOGE|BNB)USDT_(1h|4h|1d)\.csv$/.test(f))
    .sort();
  for (const f of files) {
    const prepared = await prepareCandleFile(join(fromDir, f));
    const outDir = join(BUNDLED_SAMPLE_DIR, prepared.series.source);
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `${basename(f, '.csv')}.parquet`);
    await writeParquetCandles(prepared.series, out, { compressionLevel: 19, metadata: { provenance } });
    written.push(out);
  }
  return written;
}
