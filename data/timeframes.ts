import { z } from 'zod';

/**
 * Timeframes the platform knows. A bar with open time T on timeframe F closes at T + F and is visible
 * to decisions from T + F on (SPEC §2). All alignment is UTC.
 */
export const TIMEFRAMES = ['15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TimeframeSchema = z.enum(TIMEFRAMES, {
  error: (issue) =>
    `timeframe '${String(issue.input)}' is not supported: use one of ${TIMEFRAMES.join(', ')}`,
});

const MINUTE = 60_000;
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
};

export function parseTimeframe(input: string): Timeframe {
  return TimeframeSchema.parse(input);
}

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MS[tf];
}

/** Open time of the bar of `tf` that contains instant `ts` (UTC-aligned). */
export function alignDown(ts: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf];
  return Math.floor(ts / ms) * ms;
}

/** Close time of the bar of `tf` that opened at `openTs`: the first instant its values may be used. */
export function closeTime(openTs: number, tf: Timeframe): number {
  return openTs + TIMEFRAME_MS[tf];
}

/** True when `higher` is an integer multiple of `base`, so it can be resampled from it. */
export function isMultipleOf(higher: Timeframe, base: Timeframe): boolean {
  return TIMEFRAME_MS[higher] >= TIMEFRAME_MS[base] && TIMEFRAME_MS[higher] % TIMEFRAME_MS[base] === 0;
}
