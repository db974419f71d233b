import { basename } from 'node:path';
import type { CandleSeries } from '../candles/series.ts';
import type { Timeframe } from '../timeframes.ts';
import type { FileHints } from './raw-candles.ts';

/** Candle file formats by what they are, not by extension. */
export type CandleFileFormat = 'csv' | 'parquet' | 'arrow';

/** The format a file name says (`.csv`, `.csv.gz`, `.txt`, `.parquet`, `.pq`, `.arrow`, `.feather`, `.ipc`). */
export function formatFromPath(path: string): CandleFileFormat | undefined {
  const name = path.toLowerCase();
  if (/\.(csv|txt)(\.gz)?$/.test(name)) return 'csv';
  if (/\.(parquet|pq)$/.test(name)) return 'parquet';
  if (/\.(arrow|feather|ipc|arrows)$/.test(name)) return 'arrow';
  return undefined;
}

const TF_TOKENS: Readonly<Record<string, Timeframe>> = {
  '15m': '15m',
  '15min': '15m',
  m15: '15m',
  '1h': '1h',
  '60m': '1h',
  h1: '1h',
  '4h': '4h',
  '240m': '4h',
  h4: '4h',
  '1d': '1d',
  d1: '1d',
  daily: '1d',
};

/**
 * What a file name says about its candles: `BTCUSDT_1h.csv` → symbol text `BTCUSDT`, timeframe 1h;
 * `EURUSD_15M.csv` → `EURUSD`, 15m; `BTCUSDT-1h-2023-01.csv` (Binance monthly dumps) → `BTCUSDT`, 1h.
 * The symbol text is returned as written: the caller canonicalises it with data/symbols.
 */
export function hintsFromFileName(path: string): FileHints {
  const stem = basename(path)
    .replace(/\.(csv|txt)\.gz$/i, '')
    .replace(/\.[^.]+$/, '');
  const tokens = stem.split(/[_\-\s.]+/).filter(Boolean);
  const hints: FileHints = {};
  for (const token of tokens) {
    const tf = TF_TOKENS[token.toLowerCase()];
    if (tf !== undefined && hints.timeframe === undefined) hints.timeframe = tf;
  }
  const first = tokens[0];
  if (first !== undefined && TF_TOKENS[first.toLowerCase()] === undefined && /^[A-Za-z0-9]+$/.test(first)) {
    hints.symbol = first;
  }
  return hints;
}

/** The metadata every exported candle file carries (Parquet key-value, Arrow schema metadata). */
export function seriesMetadata(series: CandleSeries): Record<string, string> {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    source: series.source,
    symbol: series.symbol,
    timeframe: series.timeframe,
    rows: String(series.length),
    ...(series.length > 0 ? { first_ts: iso(series.ts[0]), last_ts: iso(series.ts[series.length - 1]) } : {}),
  };
}

/** The hints in a file's own metadata (source, symbol, timeframe). */
export function hintsFromMetadata(meta: Readonly<Record<string, string>>): FileHints {
  const hints: FileHints = {};
  if (meta.source) hints.source = meta.source;
  if (meta.symbol) hints.symbol = meta.symbol;
  if (meta.timeframe) hints.timeframe = meta.timeframe;
  return hints;
}
