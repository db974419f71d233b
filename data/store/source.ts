import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';

/**
 * A candle *source* names the venue and the market type, so spot and perpetual candles of the same coin
 * (which differ by basis and tick size) never mix in the store: the store key is (source, symbol,
 * timeframe, ts).
 */
export const KNOWN_SOURCES = ['binance-usdm-perp', 'binance-spot', 'krakenfutures', 'synthetic'] as const;
export type KnownSource = (typeof KNOWN_SOURCES)[number];

export const SourceSchema = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'a source is lower-case words joined by dashes naming venue and market type, e.g. binance-usdm-perp',
  );

/** Validates a `--source` value; names the flag and the expected form on failure. */
export function parseSource(input: string, flag = '--source'): string {
  const parsed = SourceSchema.safeParse(input.trim());
  if (!parsed.success) {
    throw new UserError(
      `${flag} '${input}' is not a source name: use lower-case words joined by dashes naming venue and ` +
        `market type (known: ${KNOWN_SOURCES.join(', ')})`,
    );
  }
  return parsed.data;
}

/**
 * The source implied by the folder holding `path`, for the `../shared/data` layout: a folder named after
 * a known source, or starting with one and a dash (`binance-spot-1h` → `binance-spot`). Only the
 * immediate folder counts, so an unrelated ancestor folder never decides. Undefined when it does not say.
 */
export function inferSourceFromPath(path: string): KnownSource | undefined {
  const folder = basename(dirname(resolve(path))).toLowerCase();
  return KNOWN_SOURCES.find((source) => folder === source || folder.startsWith(`${source}-`));
}
