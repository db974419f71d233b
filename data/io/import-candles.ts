import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CandleSeries } from '../candles/series.ts';
import { UserError } from '../errors.ts';
import type { CandleStore } from '../store/candle-store.ts';
import { inferSourceFromPath, KNOWN_SOURCES, parseSource } from '../store/source.ts';
import { canonicalSymbol } from '../symbols/symbols.ts';
import { type Timeframe, TimeframeSchema } from '../timeframes.ts';
import { findGaps, type Gap } from '../validate/gaps.ts';
import { inferTimeframeFromSpacing } from '../validate/infer-timeframe.ts';
import { repairCandles } from '../validate/repair-candles.ts';
import { summarizeIssues, type ValidationReport, validateCandles } from '../validate/validate-candles.ts';
import { readArrowCandles } from './arrow.ts';
import { readCsvCandles } from './csv-read.ts';
import { type CandleFileFormat, formatFromPath, hintsFromFileName } from './file-meta.ts';
import { readParquetCandles } from './parquet.ts';
import type { RawCandles } from './raw-candles.ts';

export interface ImportOptions {
  /** Symbol for every file (any form data/symbols accepts); default: file metadata, then file name. */
  symbol?: string;
  /** Timeframe; default: file metadata, then file name (`_1h`), then the spacing of the bars. */
  timeframe?: Timeframe;
  /** Source (venue + market type); default: file metadata, then the folder name. */
  source?: string;
  /** Drop what cannot be used instead of refusing the file (and say what was dropped). */
  repair?: boolean;
  /** Progress within a CSV file: bytes read so far. */
  onBytes?: (bytes: number) => void;
}

/** What an import did with one file. */
export interface FileImportReport {
  path: string;
  format: CandleFileFormat;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  rowsRead: number;
  rowsStored: number;
  inserted: number;
  updated: number;
  unchanged: number;
  firstTs: number | null;
  lastTs: number | null;
  gaps: Gap[];
  /** Lines saying what --repair changed; empty for a clean file. */
  repairs: string[];
}

/** A candle file read, identified, validated and (if asked and needed) repaired — not yet stored. */
export interface PreparedFile {
  format: CandleFileFormat;
  raw: RawCandles;
  validation: ValidationReport;
  series: CandleSeries;
  repairs: string[];
}

/** Reads any supported candle file into raw columns (format from the extension). */
export async function readCandleFile(
  path: string,
  opts: { onBytes?: (bytes: number) => void } = {},
): Promise<{ format: CandleFileFormat; raw: RawCandles }> {
  const format = formatFromPath(path);
  if (format === undefined) {
    throw new UserError(
      `'${path}' is not a candle file this version reads: use .csv (or .csv.gz), .parquet or .arrow/.feather`,
    );
  }
  const raw =
    format === 'csv'
      ? await readCsvCandles(path, opts)
      : format === 'parquet'
        ? await readParquetCandles(path)
        : readArrowCandles(path);
  return { format, raw };
}

/**
 * Reads and checks one file: identifies source, symbol and timeframe, validates every row, and either
 * refuses the file (a UserError whose details name each bad row) or, with `repair`, returns the
 * repaired series with what was changed. Nothing is written.
 */
export async function prepareCandleFile(path: string, opts: ImportOptions = {}): Promise<PreparedFile> {
  const { format, raw } = await readCandleFile(path, opts);
  if (raw.length === 0) throw new UserError(`'${path}' has no candle rows: nothing to import`);
  const name = hintsFromFileName(path);
  const source = resolveSource(path, opts.source, raw.hints.source);
  const symbol = resolveSymbol(path, opts.symbol, raw.hints.symbol ?? name.symbol);
  const timeframe = resolveTimeframe(path, raw, opts.timeframe, raw.hints.timeframe ?? name.timeframe);
  const validation = validateCandles(raw, timeframe);
  if (validation.issues.length > 0 && !opts.repair) {
    throw new UserError(
      `refused '${path}': ${summarizeIssues(validation)} (${validation.issues.length} finding(s)); nothing of ` +
        'this file was stored — fix the rows listed or re-run with --repair to drop them',
      validation.issues.map((i) => i.message),
    );
  }
  const repaired = repairCandles(raw, validation, { source, symbol, timeframe });
  if (repaired.series.length === 0) {
    throw new UserError(`refused '${path}': no row is usable after repair (${summarizeIssues(validation)})`);
  }
  return { format, raw, validation, series: repaired.series, repairs: repaired.actions };
}

/** Imports one file into `store` in one transaction: all its usable rows, or nothing. */
export async function importCandleFile(
  store: CandleStore,
  path: string,
  opts: ImportOptions = {},
): Promise<FileImportReport> {
  const prepared = await prepareCandleFile(path, opts);
  const { series } = prepared;
  const result = await store.upsert(series);
  return {
    path,
    format: prepared.format,
    source: series.source,
    symbol: series.symbol,
    timeframe: series.timeframe,
    rowsRead: prepared.raw.length,
    rowsStored: series.length,
    ...result,
    firstTs: series.length > 0 ? series.ts[0] : null,
    lastTs: series.length > 0 ? series.ts[series.length - 1] : null,
    gaps: findGaps(series),
    repairs: prepared.repairs,
  };
}

/** Files and folders → the candle files to import (a folder contributes its candle files, sorted). */
export function expandImportPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      throw new UserError(`cannot read '${p}': ${(err as Error).message}`);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p)
      .filter((f) => formatFromPath(f) !== undefined)
      .sort()
      .map((f) => join(p, f));
    if (files.length === 0) throw new UserError(`folder '${p}' holds no .csv, .parquet or .arrow files`);
    out.push(...files);
  }
  return out;
}

export interface ImportOutcome {
  imported: FileImportReport[];
  failed: { path: string; error: string; details: readonly string[] }[];
}

/**
 * Imports files and folders, one transaction per file. A refused file is reported in `failed` (with
 * its row-level details) and leaves the store as it was; the other files are still imported.
 */
export async function importCandlePaths(
  store: CandleStore,
  paths: readonly string[],
  opts: ImportOptions = {},
  onFile?: (path: string, index: number, total: number) => void,
): Promise<ImportOutcome> {
  const files = expandImportPaths(paths);
  const outcome: ImportOutcome = { imported: [], failed: [] };
  for (let i = 0; i < files.length; i++) {
    onFile?.(files[i], i, files.length);
    try {
      outcome.imported.push(await importCandleFile(store, files[i], opts));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      outcome.failed.push({ path: files[i], error: err.message, details: err.details });
    }
  }
  return outcome;
}

function resolveSource(path: string, flag: string | undefined, meta: string | undefined): string {
  if (flag !== undefined) return parseSource(flag);
  if (meta !== undefined) return parseSource(meta, `source in the metadata of '${path}'`);
  const inferred = inferSourceFromPath(path);
  if (inferred !== undefined) return inferred;
  throw new UserError(
    `cannot tell which market '${path}' holds: pass --source (${KNOWN_SOURCES.join(', ')}, …) or put it in a ` +
      'folder named after its source (e.g. binance-usdm-perp/)',
  );
}

function resolveSymbol(path: string, flag: string | undefined, fromFile: string | undefined): string {
  if (flag !== undefined) return canonicalSymbol(flag);
  if (fromFile === undefined) {
    throw new UserError(`cannot tell the symbol of '${path}' from its name: pass --symbol`);
  }
  try {
    return canonicalSymbol(fromFile);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`cannot tell the symbol of '${basename(path)}' (${err.message}): pass --symbol`);
  }
}

function resolveTimeframe(
  path: string,
  raw: RawCandles,
  flag: Timeframe | undefined,
  declared: string | undefined,
): Timeframe {
  if (flag !== undefined) return flag;
  const spaced = inferTimeframeFromSpacing(raw.ts);
  if (declared !== undefined) {
    const parsed = TimeframeSchema.safeParse(declared.toLowerCase());
    if (!parsed.success) {
      throw new UserError(`'${path}' says timeframe '${declared}', which is not supported: pass --timeframe`);
    }
    if (spaced !== undefined && spaced !== parsed.data) {
      throw new UserError(
        `'${path}' is named/marked ${parsed.data} but its bars are ${spaced} apart: pass --timeframe to say which`,
      );
    }
    return parsed.data;
  }
  if (spaced === undefined) {
    throw new UserError(
      `cannot tell the timeframe of '${path}' from its name or bar spacing: pass --timeframe`,
    );
  }
  return spaced;
}
