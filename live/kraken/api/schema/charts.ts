import { z } from 'zod';
import { KRAKEN_FUTURES_OHLCV_LIMIT } from '../../../../data/fetch/venue-limits.ts';

/**
 * GET /api/charts/v1/{tick_type}/{symbol}/{resolution}?from=&to=&count= (ccxt `fetchOHLCV`). `from` and
 * `to` are epoch SECONDS; candle `time` is epoch MILLISECONDS (bar open time). Prices come as decimal
 * strings, volume as a number. ccxt asks for at most 2000 candles per request: it sets
 * `to = from + 2000 × resolution − 1` (and never later than its own clock), so `to` is inclusive.
 * `more_candles` says the window held more than one response carries. The forming (not yet closed) bar is
 * included when the window reaches the present.
 */
export const TICK_TYPES = ['trade', 'mark', 'spot'] as const;
export const TickTypeSchema = z.enum(TICK_TYPES);
export type TickType = z.infer<typeof TickTypeSchema>;

/** Resolutions the charts API offers. */
export const RESOLUTIONS = ['1m', '5m', '15m', '30m', '1h', '4h', '12h', '1d', '1w'] as const;
export const ResolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof ResolutionSchema>;

/** Most candles one charts response carries (ccxt's per-request limit for this venue). */
export const MAX_CANDLES_PER_REQUEST = KRAKEN_FUTURES_OHLCV_LIMIT;

const decimalString = z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/);

export const ChartCandleSchema = z.object({
  time: z.number().int(),
  open: decimalString,
  high: decimalString,
  low: decimalString,
  close: decimalString,
  volume: z.union([z.number(), decimalString]),
});
export type ChartCandle = z.infer<typeof ChartCandleSchema>;

export const ChartCandlesResponseSchema = z.object({
  candles: z.array(ChartCandleSchema),
  more_candles: z.boolean(),
});
export type ChartCandlesResponse = z.infer<typeof ChartCandlesResponseSchema>;

const epochSeconds = z
  .string()
  .regex(/^\d{1,12}$/, 'must be epoch seconds (a whole number)')
  .transform(Number);

export const ChartQuerySchema = z.object({
  from: epochSeconds.optional(),
  to: epochSeconds.optional(),
  count: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
});
export type ChartQuery = z.infer<typeof ChartQuerySchema>;
