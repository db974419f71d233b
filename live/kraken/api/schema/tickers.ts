import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';

/**
 * GET /derivatives/api/v3/tickers and /tickers/{symbol} (ccxt `fetchTickers`, `fetchTicker`). ccxt
 * reads `symbol`, `lastTime`, `open24h`, `last`, `vol24h` (base units on linear markets), `bid`,
 * `bidSize`, `ask`, `askSize`, `markPrice`, `indexPrice`. Index entries (`in_xbtusd`) carry only
 * `symbol`, `last`, `lastTime`. The venue sends numbers today (older captures show strings); both parse.
 */
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)]);

export const TickerSchema = z.object({
  symbol: z.string().min(1),
  tag: z.enum(['perpetual', 'month', 'quarter', 'semiannual']).optional(),
  pair: z.string().optional(),
  markPrice: num.optional(),
  bid: num.optional(),
  bidSize: num.optional(),
  ask: num.optional(),
  askSize: num.optional(),
  vol24h: num.optional(),
  volumeQuote: num.optional(),
  openInterest: num.optional(),
  open24h: num.optional(),
  high24h: num.optional(),
  low24h: num.optional(),
  indexPrice: num.optional(),
  last: num.optional(),
  lastTime: ServerTimeSchema.optional(),
  lastSize: num.optional(),
  suspended: z.boolean().optional(),
  fundingRate: num.optional(),
  fundingRatePrediction: num.optional(),
  postOnly: z.boolean().optional(),
});
export type Ticker = z.infer<typeof TickerSchema>;

export const TickersResponseSchema = z.object({
  result: z.literal('success'),
  tickers: z.array(TickerSchema),
  serverTime: ServerTimeSchema,
});
export type TickersResponse = z.infer<typeof TickersResponseSchema>;

export const TickerResponseSchema = z.object({
  result: z.literal('success'),
  ticker: TickerSchema,
  serverTime: ServerTimeSchema,
});
export type TickerResponse = z.infer<typeof TickerResponseSchema>;
