import { z } from 'zod';

/**
 * A quantity, price or money amount as Kraken Futures sends it: a JSON number on most endpoints, a decimal
 * string on some (and in older captures). Readers convert either through its decimal text, never through
 * arithmetic on the float, so `0.1` stays `0.1` (see live/kraken/private-mapper.ts).
 */
export const KrakenNumberSchema = z.union([
  z.number().finite(),
  z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a decimal number'),
]);
export type KrakenNumber = z.infer<typeof KrakenNumberSchema>;
