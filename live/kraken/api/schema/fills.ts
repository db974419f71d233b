import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';
import { KrakenNumberSchema } from './numbers.ts';

/**
 * GET /derivatives/api/v3/fills?lastFillTime=ISO (ccxt `fetchMyTrades`): the account's fills, newest first,
 * at most {@link FILLS_PAGE_SIZE} per response; `lastFillTime` pages back (fills strictly before it).
 * Kraken carries no fee here (fees are in the account log); `cliOrdId` only on orders that had one;
 * `fillType` is `maker`, `taker`, `takerAfterEdit`, `liquidation`, `assignee`, `assignor`, …
 */
export const FILLS_PAGE_SIZE = 100;

export const FillSchema = z.object({
  fill_id: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  order_id: z.string().min(1),
  cliOrdId: z.string().nullable().optional(),
  size: KrakenNumberSchema,
  price: KrakenNumberSchema,
  fillTime: ServerTimeSchema,
  fillType: z.string().min(1),
});
export type KrakenFill = z.infer<typeof FillSchema>;

export const FillsResponseSchema = z.object({
  result: z.literal('success'),
  fills: z.array(FillSchema),
  serverTime: ServerTimeSchema,
});
export type FillsResponse = z.infer<typeof FillsResponseSchema>;

export const FillsQuerySchema = z.object({ lastFillTime: ServerTimeSchema.optional() });
