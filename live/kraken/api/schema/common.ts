import { z } from 'zod';

/**
 * Shapes shared by Kraken Futures REST responses. Every derivatives/api/v3 response carries `result`
 * and `serverTime` (ISO 8601, ms); errors put a code string in `error` (ccxt maps it with its `exact`
 * exception table: `apiLimitExceeded`, `Unavailable`, `authenticationError`, `nonceBelowThreshold`, …).
 */
export const ServerTimeSchema = z.iso.datetime({ offset: false });

export const KrakenErrorResponseSchema = z.object({
  result: z.literal('error'),
  error: z.string().min(1),
  serverTime: ServerTimeSchema,
});
export type KrakenErrorResponse = z.infer<typeof KrakenErrorResponseSchema>;

/** Kraken's timestamp format: ISO 8601 with milliseconds and Z. */
export function serverTime(ms: number): string {
  return new Date(ms).toISOString();
}
