import type { Decision, TraceValue } from '../strategy.ts';

/**
 * SMC decision vocabulary: the gates in pipeline order (seed §5) and the reason code each rejection
 * carries. Codes are small integers in the columnar output (`Uint8Array`); the names are what users see
 * in logs, the funnel and traces.
 */

/** Gates in evaluation order; a candidate is rejected by the first gate that fails. */
export const GATES = ['warmup', 'bias', 'structure', 'regime', 'ote', 'targets', 'score'] as const;
export type Gate = (typeof GATES)[number];

/**
 * Reason codes. Index = code in the columnar output; 0 (`NONE`) marks a signal. `gate` is the gate that
 * emits the code.
 */
export const REASONS = [
  { code: 'NONE', gate: null },
  { code: 'WARMUP', gate: 'warmup' },
  { code: 'DAILY_BIAS_NEUTRAL', gate: 'bias' },
  { code: '4H_STRUCTURE_REQUIRED', gate: 'structure' },
  { code: '1H_STRUCTURE_REQUIRED', gate: 'structure' },
  { code: 'REGIME_NOT_TRADEABLE', gate: 'regime' },
  { code: 'ENTRY_NOT_IN_OTE', gate: 'ote' },
  { code: 'TARGETS_INVALID', gate: 'targets' },
  { code: 'SCORE_BELOW_THRESHOLD', gate: 'score' },
] as const satisfies ReadonlyArray<{ code: string; gate: Gate | null }>;

export type ReasonCode = (typeof REASONS)[number]['code'];

export const REASON = {
  NONE: 0,
  WARMUP: 1,
  DAILY_BIAS_NEUTRAL: 2,
  STRUCTURE_4H_REQUIRED: 3,
  STRUCTURE_1H_REQUIRED: 4,
  REGIME_NOT_TRADEABLE: 5,
  ENTRY_NOT_IN_OTE: 6,
  TARGETS_INVALID: 7,
  SCORE_BELOW_THRESHOLD: 8,
} as const;

export const REASON_NAMES: readonly ReasonCode[] = REASONS.map((r) => r.code);

/** Gate index (into GATES) of each reason code; -1 for NONE. */
export const REASON_GATE_INDEX: Int8Array = Int8Array.from(REASONS, (r) =>
  r.gate === null ? -1 : GATES.indexOf(r.gate),
);

/**
 * Why the structure gate found no usable structure:
 * none (no break known yet), against_bias (latest break opposes the daily bias), stale (older than
 * `structure.max_age_bars`), invalidated (a close beyond the leg origin after the break), ok.
 */
export const STRUCTURE_STATUS = ['none', 'against_bias', 'stale', 'invalidated', 'ok'] as const;
export type StructureStatus = (typeof STRUCTURE_STATUS)[number];

/**
 * The gate values behind a decision, flat so it can go into a Parquet decision trace. Values a gate did
 * not reach are null.
 */
export interface SmcTrace {
  [key: string]: TraceValue;
  /** Base bar index the decision was made at. */
  bar: number;
  gate_failed: Gate | null;
  bias_dir: number | null;
  bias_close: number | null;
  bias_ema: number | null;
  structure_tf: string | null;
  structure_status: StructureStatus | null;
  structure_kind: 'BOS' | 'CHOCH' | null;
  structure_dir: number | null;
  structure_level: number | null;
  /** Close time of the structure-timeframe bar at which the break became known. */
  structure_known_ts: number | null;
  structure_age_bars: number | null;
  leg_origin: number | null;
  leg_extreme: number | null;
  regime: string | null;
  leg_atr: number | null;
  atr: number | null;
  atr_percentile: number | null;
  retracement: number | null;
  ote_low: number | null;
  ote_high: number | null;
  stop_atr_mult: number | null;
  rr_tp1: number | null;
  score_structure: number | null;
  score_ote: number | null;
  score_regime: number | null;
  score_order_block: number | null;
  score_fvg: number | null;
  score_htf_alignment: number | null;
}

/** A decision of the SMC strategy. */
export type SmcDecision = Decision<SmcTrace>;

/** Setup types: structure kind, the timeframe it came from, and the confluences that scored. */
export type SetupType = string;
