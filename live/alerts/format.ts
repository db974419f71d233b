import { Decimal } from 'decimal.js';

/** Display helpers shared by alerts, Telegram answers and `smc status`. Money stays Decimal until here. */

type Money = Decimal | string | number;

function toDec(x: Money): Decimal {
  return x instanceof Decimal ? x : new Decimal(x);
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `$1,234.56`; `signed` adds `+` to positives (P&L). */
export function fmtUsd(x: Money, signed = false): string {
  const r = toDec(x).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const [i, f] = r.abs().toFixed(2).split('.');
  const sign = r.isNegative() && !r.isZero() ? '-' : signed && r.gt(0) ? '+' : '';
  return `${sign}$${group(i)}.${f}`;
}

/** A fraction as a percentage: 0.4567 → `45.67%`. */
export function fmtPct(fraction: number, digits = 2, signed = false): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const s = (fraction * 100).toFixed(digits);
  return `${signed && fraction > 0 ? '+' : ''}${s}%`;
}

/** A price or quantity as given (decimal string), trimmed of trailing zeros. */
export function fmtNum(x: Money): string {
  return toDec(x).toString();
}

/** Holding time: `45m`, `3h 12m`, `2d 4h`. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** UTC time as `2026-02-08 14:05 UTC`. */
export function fmtUtc(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
