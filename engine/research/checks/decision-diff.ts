import type { Decision, TraceValue } from '../../../strategies/strategy.ts';
import type { FieldInfoOf } from './trace-fields.ts';

/** One field that differs between two decisions of the same bar, with the gate/indicator it belongs to. */
export interface FieldDifference {
  /** Decision field (`action`, `stop`, …) or `trace.<name>`. */
  readonly field: string;
  readonly gate: string;
  readonly indicator: string | null;
  readonly a: TraceValue;
  readonly b: TraceValue;
}

const NO_FIELDS: ReadonlySet<string> = new Set();

const TOP_FIELDS = ['action', 'reasons', 'entry', 'stop', 'tp1', 'tp2', 'tp3', 'score', 'setupType'] as const;

/** A value as a comparable scalar: arrays joined, objects as JSON, NaN kept. */
function scalar(v: unknown): TraceValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(String).join(',');
  return JSON.stringify(v);
}

function same(a: TraceValue, b: TraceValue, tolerance: number): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return tolerance > 0 && Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return false;
}

/**
 * Every field in which decision `b` differs from decision `a`: the Decision's own fields, then each trace
 * value (the union of both traces' keys), except the fields in `ignore`. Numbers equal within
 * `tolerance` (relative; 0 = exactly, the default: a lookahead difference is any difference) count as
 * the same.
 */
export function diffDecisions(
  a: Decision<object>,
  b: Decision<object>,
  infoOf: FieldInfoOf,
  tolerance = 0,
  ignore: ReadonlySet<string> = NO_FIELDS,
): FieldDifference[] {
  const out: FieldDifference[] = [];
  const push = (field: string, x: TraceValue, y: TraceValue) => {
    if (ignore.has(field) || same(x, y, tolerance)) return;
    const info = infoOf(field);
    out.push({ field, gate: info.gate, indicator: info.indicator, a: x, b: y });
  };
  for (const k of TOP_FIELDS) push(k, scalar(a[k]), scalar(b[k]));
  const ta = a.trace as Record<string, unknown>;
  const tb = b.trace as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ta), ...Object.keys(tb)])];
  for (const k of keys) push(`trace.${k}`, scalar(ta[k]), scalar(tb[k]));
  return out;
}
