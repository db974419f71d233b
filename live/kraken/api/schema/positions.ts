import { z } from 'zod';
import { ServerTimeSchema } from './common.ts';
import { KrakenNumberSchema } from './numbers.ts';

/**
 * GET /derivatives/api/v3/openpositions (ccxt `fetchPositions`). One net position per contract: `side`,
 * `size` (always positive), `price` (average entry), `fillTime` (last fill that changed it), numbers as
 * decimal strings. Kraken sends no mark price here, but `unrealizedPnl` is at the mark, so the mark is
 * entry + unrealizedPnl / signed size; `maxFixedLeverage` is present only on contracts with a leverage preference
 * (isolated margin), absent under cross margin. A response without `openPositions` is an error, not a
 * flat account (ccxt issue 29710): the schema requires the list.
 */
export const OpenPositionSchema = z.object({
  side: z.enum(['long', 'short']),
  symbol: z.string().min(1),
  price: KrakenNumberSchema,
  fillTime: ServerTimeSchema,
  size: KrakenNumberSchema,
  unrealizedFunding: KrakenNumberSchema.nullable().optional(),
  unrealizedPnl: KrakenNumberSchema.nullable().optional(),
  pnlCurrency: z.string().optional(),
  maxFixedLeverage: KrakenNumberSchema.optional(),
});
export type OpenPosition = z.infer<typeof OpenPositionSchema>;

export const OpenPositionsResponseSchema = z.object({
  result: z.literal('success'),
  openPositions: z.array(OpenPositionSchema),
  serverTime: ServerTimeSchema,
});
export type OpenPositionsResponse = z.infer<typeof OpenPositionsResponseSchema>;
