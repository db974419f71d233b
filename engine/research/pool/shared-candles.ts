import { allocateSeries, type CandleSeries, OHLCV_COLUMNS } from '../../../data/candles/series.ts';
import type { Timeframe } from '../../../data/timeframes.ts';

/**
 * A candle series as it crosses into a worker: the six float64 columns back to back in one
 * SharedArrayBuffer (the layout of `allocateSeries(id, n, true)`). Posting it shares the memory; nothing
 * is copied, whatever the number of workers.
 */
export interface SharedSeriesHandle {
  source: string;
  symbol: string;
  timeframe: Timeframe;
  length: number;
  buffer: SharedArrayBuffer;
  /** Byte offset of the `ts` column; the others follow at multiples of length × 8. */
  byteOffset: number;
}

function sharedLayoutOffset(s: CandleSeries): number | null {
  const buffer = s.ts.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) return null;
  const bytes = s.length * Float64Array.BYTES_PER_ELEMENT;
  const base = s.ts.byteOffset;
  for (let c = 0; c < OHLCV_COLUMNS.length; c++) {
    const col = s[OHLCV_COLUMNS[c]];
    if (col.buffer !== buffer || col.byteOffset !== base + c * bytes || col.length !== s.length) return null;
  }
  return base;
}

/**
 * The handle of `s`, copying it once into shared memory unless it already sits there in the shared
 * layout (a series loaded with `allocateSeries(…, true)` is shared as is).
 */
export function shareSeries(s: CandleSeries): SharedSeriesHandle {
  const offset = sharedLayoutOffset(s);
  if (offset !== null) {
    return {
      source: s.source,
      symbol: s.symbol,
      timeframe: s.timeframe,
      length: s.length,
      buffer: s.ts.buffer as SharedArrayBuffer,
      byteOffset: offset,
    };
  }
  const copy = allocateSeries({ source: s.source, symbol: s.symbol, timeframe: s.timeframe }, s.length, true);
  for (const c of OHLCV_COLUMNS) copy[c].set(s[c]);
  return shareSeries(copy);
}

/** Views on the shared columns of a handle (no copy). */
export function seriesFromHandle(h: SharedSeriesHandle): CandleSeries {
  const bytes = h.length * Float64Array.BYTES_PER_ELEMENT;
  const col = (i: number) => new Float64Array(h.buffer, h.byteOffset + i * bytes, h.length);
  return {
    source: h.source,
    symbol: h.symbol,
    timeframe: h.timeframe,
    length: h.length,
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
  };
}
