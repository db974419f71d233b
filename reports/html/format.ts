/** Number formats shared by the report tables (en-US, fixed so reports diff cleanly). */

export function fmtNumber(x: number | null, digits = 2): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtPct(x: number | null, digits = 2): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${(x * 100).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

export function fmtInt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return Math.round(x).toLocaleString('en-US');
}

/** 93784000 → "1d 2h 3m". */
export function fmtDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const m = Math.round(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', mm > 0 || (d === 0 && h === 0) ? `${mm}m` : ''];
  return parts.filter(Boolean).join(' ');
}

/** UTC time as "2024-01-31 13:45". */
export function fmtTime(ts: number | null): string {
  if (ts === null || !Number.isFinite(ts)) return '—';
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}
