/**
 * Timestamp cells of candle files → UTC epoch milliseconds.
 *
 * Text: `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` with an optional zone (`Z`, `+00:00`, `+0000`), date
 * separators `-`, `.` or `/` (`2022.10.10 00:15:00` in MetaTrader exports), or a bare date. A time
 * without a zone is UTC. Numbers: epoch seconds, milliseconds, microseconds or nanoseconds; the unit is
 * chosen once per file from its magnitude (Binance klines switched from ms to µs in 2025).
 */

const TEXT_TS =
  /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0);
}

/**
 * The common layouts (`2020-01-01 00:00:00+00:00`, `2020-01-01T00:00:00Z`, `2022.10.10 00:15:00`) read
 * by position, which is several times faster than the general pattern; undefined when the text needs
 * the general one (fractions, other zones, one-digit fields).
 */
function parseFixedLayout(s: string): number | undefined {
  if (s.length < 16) return undefined;
  const sep = s[4];
  if ((sep !== '-' && sep !== '.' && sep !== '/') || s[7] !== sep || (s[10] !== ' ' && s[10] !== 'T'))
    return undefined;
  const y1 = digits2(s, 0);
  const y2 = digits2(s, 2);
  const month = digits2(s, 5);
  const day = digits2(s, 8);
  const hour = digits2(s, 11);
  const minute = digits2(s, 14);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || s[13] !== ':') return undefined;
  let pos = 16;
  let second = 0;
  if (s[16] === ':') {
    second = digits2(s, 17);
    if (second < 0) return undefined;
    pos = 19;
  }
  const zone = s.slice(pos);
  if (zone !== '' && zone !== 'Z' && zone !== '+00:00') return undefined;
  const year = y1 * 100 + y2;
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Epoch ms of a textual timestamp, or NaN when the text is not one (or names an impossible date). */
export function parseTimestampText(text: string): number {
  const fixed = parseFixedLayout(text);
  if (fixed !== undefined) return fixed;
  const m = TEXT_TS.exec(text.trim());
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - zoneOffsetMs(m[8]);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || /^(z|utc)$/i.test(zone)) return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_TO_MS: Readonly<Record<EpochUnit, number>> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/**
 * The unit of an epoch number judged by its magnitude, valid for dates 1973–5138: below 1e11 seconds,
 * below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
export function epochUnitOf(value: number): EpochUnit {
  const a = Math.abs(value);
  if (a < 1e11) return 's';
  if (a < 1e14) return 'ms';
  if (a < 1e17) return 'us';
  return 'ns';
}

/** Epoch ms of `value` in `unit`, rounded to the millisecond. */
export function epochToMs(value: number, unit: EpochUnit): number {
  return unit === 'ms' ? value : Math.round(value * UNIT_TO_MS[unit]);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number cell, or NaN for anything else (empty, `abc`, `0x10`, `Infinity`). */
export function parseNumberCell(text: string): number {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : Number.NaN;
}

/** ISO 8601 UTC for messages and exports: `2020-01-01T00:00:00Z` (milliseconds only when present). */
export function formatTs(ts: number): string {
  if (!Number.isFinite(ts)) return String(ts);
  const iso = new Date(ts).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
