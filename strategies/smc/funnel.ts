import { GATES, type Gate, REASON_GATE_INDEX, REASON_NAMES, type ReasonCode } from './decision.ts';

/**
 * The signal funnel (SPEC §3, seed §11 "12,115 NO_SIGNAL, most 4H_STRUCTURE_REQUIRED"): of all candidate
 * decisions (one per symbol per base-bar close), how many each gate rejected and how many became
 * signals. Invariant: candidates = Σ rejected + signals.
 */
export interface FunnelCounts {
  candidates: number;
  rejected: Record<Gate, number>;
  byReason: Record<ReasonCode, number>;
  signals: number;
  long: number;
  short: number;
}

export interface Funnel {
  perSymbol: Record<string, FunnelCounts>;
  total: FunnelCounts;
}

export function emptyFunnelCounts(): FunnelCounts {
  return {
    candidates: 0,
    rejected: Object.fromEntries(GATES.map((g) => [g, 0])) as Record<Gate, number>,
    byReason: Object.fromEntries(REASON_NAMES.map((r) => [r, 0])) as Record<ReasonCode, number>,
    signals: 0,
    long: 0,
    short: 0,
  };
}

/** Counts decisions [from, to) of columnar pipeline output. */
export function countFunnel(
  action: Int8Array,
  reason: Uint8Array,
  from = 0,
  to = action.length,
): FunnelCounts {
  const perReason = new Float64Array(REASON_NAMES.length);
  let long = 0;
  let short = 0;
  for (let i = from; i < to; i++) {
    const a = action[i];
    if (a > 0) long++;
    else if (a < 0) short++;
    else perReason[reason[i]]++;
  }
  const out = emptyFunnelCounts();
  for (let r = 1; r < perReason.length; r++) {
    const n = perReason[r];
    out.byReason[REASON_NAMES[r]] = n;
    out.rejected[GATES[REASON_GATE_INDEX[r]]] += n;
  }
  out.long = long;
  out.short = short;
  out.signals = long + short;
  out.candidates = Math.max(0, to - from);
  return out;
}

export function addFunnelCounts(into: FunnelCounts, add: FunnelCounts): FunnelCounts {
  into.candidates += add.candidates;
  for (const g of GATES) into.rejected[g] += add.rejected[g];
  for (const r of REASON_NAMES) into.byReason[r] += add.byReason[r];
  into.signals += add.signals;
  into.long += add.long;
  into.short += add.short;
  return into;
}

export function buildFunnel(perSymbol: Record<string, FunnelCounts>): Funnel {
  const total = emptyFunnelCounts();
  for (const c of Object.values(perSymbol)) addFunnelCounts(total, c);
  return { perSymbol, total };
}

/** True when candidates = Σ rejected + signals (and per reason adds up to per gate). */
export function funnelAddsUp(c: FunnelCounts): boolean {
  let rejected = 0;
  for (const g of GATES) rejected += c.rejected[g];
  let byReason = 0;
  for (const r of REASON_NAMES) byReason += c.byReason[r];
  return c.candidates === rejected + c.signals && rejected === byReason && c.signals === c.long + c.short;
}

/**
 * A plain-text table: one row per gate (the rejection count and the share of candidates), then the
 * signals, one column per symbol and a total column.
 */
export function formatFunnelTable(funnel: Funnel): string {
  const symbols = Object.keys(funnel.perSymbol).sort();
  const columns: Array<[string, FunnelCounts]> = [
    ...symbols.map((s) => [s, funnel.perSymbol[s]] as [string, FunnelCounts]),
  ];
  if (symbols.length !== 1) columns.push(['TOTAL', funnel.total]);
  const rows: string[][] = [['gate', 'reason', ...columns.map(([name]) => name)]];
  const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
  const cell = (n: number, c: FunnelCounts) => `${n} (${pct(n, c.candidates)})`;
  rows.push(['candidates', '', ...columns.map(([, c]) => String(c.candidates))]);
  for (let r = 1; r < REASON_NAMES.length; r++) {
    const reason = REASON_NAMES[r];
    if (columns.every(([, c]) => c.byReason[reason] === 0) && reason === '1H_STRUCTURE_REQUIRED') continue;
    rows.push([GATES[REASON_GATE_INDEX[r]], reason, ...columns.map(([, c]) => cell(c.byReason[reason], c))]);
  }
  rows.push(['signals', 'LONG', ...columns.map(([, c]) => cell(c.long, c))]);
  rows.push(['signals', 'SHORT', ...columns.map(([, c]) => cell(c.short, c))]);
  rows.push(['signals', 'total', ...columns.map(([, c]) => cell(c.signals, c))]);
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  return rows
    .map((row) => row.map((v, k) => (k < 2 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  '))
    .join('\n');
}
