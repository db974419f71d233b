import type { CandleSeries } from '../data/candles/series.ts';
import type { Timeframe } from '../data/timeframes.ts';

/**
 * The contract every signal strategy meets, so several strategies (SMC, a momentum strategy, …) can
 * compete through the same auction (SPEC §1, §5). A strategy is prepared once per symbol over columnar
 * candles of every timeframe it needs, then asked for a decision at each base-bar close.
 */

/** What a strategy wants at a base-bar close. */
export type Action = 'LONG' | 'SHORT' | 'NO_SIGNAL';

/** Compact action codes for columnar output (`Int8Array`). */
export const ACTION_CODE = { NO_SIGNAL: 0, LONG: 1, SHORT: -1 } as const;
export type ActionCode = (typeof ACTION_CODE)[keyof typeof ACTION_CODE];

export function actionName(code: number): Action {
  return code > 0 ? 'LONG' : code < 0 ? 'SHORT' : 'NO_SIGNAL';
}

/** Scalar values a decision trace may hold (JSON- and Parquet-friendly). */
export type TraceValue = number | string | boolean | null;

/**
 * One decision of one strategy for one symbol at one base-bar close. `ts` is the decision time: the
 * close time of the base bar, i.e. the first instant every input used is known (SPEC §2 visibility rule).
 * Prices are float64 here; the engine's risk layer quantizes them to the instrument with decimal.js.
 */
export interface Decision<Trace extends object = Record<string, TraceValue>> {
  readonly strategyId: string;
  readonly symbol: string;
  /** Decision time in UTC ms: the close time of the base bar it was made at. */
  readonly ts: number;
  readonly action: Action;
  /** Reason codes; empty for a signal, the rejecting gate's code first for NO_SIGNAL. */
  readonly reasons: readonly string[];
  /** Entry price (the base bar's close), null when no structure gave one. */
  readonly entry: number | null;
  readonly stop: number | null;
  readonly tp1: number | null;
  readonly tp2: number | null;
  readonly tp3: number | null;
  /** Strategy score (0–100 for SMC), null before it was computed. */
  readonly score: number | null;
  readonly setupType: string | null;
  /** The gate values that produced the decision. */
  readonly trace: Trace;
}

/** Candles of one symbol keyed by timeframe; every series shares the symbol and source. */
export type CandlesByTimeframe = Partial<Record<Timeframe, CandleSeries>>;

export interface StrategyInput {
  readonly symbol: string;
  /** Entry timeframe: one decision per bar of it. */
  readonly baseTimeframe: Timeframe;
  /** Must hold the base timeframe and every timeframe of `requiredTimeframes(base)`. */
  readonly candles: CandlesByTimeframe;
}

/**
 * A strategy prepared over one symbol's candles. `decide(i)` is the hot path: it returns a packed code
 * (see {@link packDecision}) and allocates nothing; `describe(i)` builds the full Decision (signals,
 * traces, charts). Both must depend only on candles that closed at or before base bar i's close.
 */
export interface PreparedStrategy<D extends Decision<object> = Decision> {
  readonly symbol: string;
  /** Number of base bars. */
  readonly length: number;
  /** Close time of base bar i (the decision time). */
  decisionTime(i: number): number;
  decide(i: number): number;
  describe(i: number): D;
}

export interface Strategy<D extends Decision<object> = Decision> {
  readonly id: string;
  /** Reason-code names indexed by the reason part of a packed decision code (0 = none, a signal). */
  readonly reasonNames: readonly string[];
  /** Timeframes the strategy reads, base included. */
  requiredTimeframes(base: Timeframe): readonly Timeframe[];
  /** Base bars needed from the start of the data before the first decision can be a signal. */
  warmupBars(base: Timeframe): number;
  prepare(input: StrategyInput): PreparedStrategy<D>;
}

/**
 * Packs an action code (-1, 0, 1) and a reason code (0–255) into one small integer, so the per-bar hot
 * path returns a number instead of an object.
 */
export function packDecision(action: ActionCode, reason: number): number {
  return reason * 4 + (action + 1);
}

export function unpackAction(code: number): ActionCode {
  return ((code & 3) - 1) as ActionCode;
}

export function unpackReason(code: number): number {
  return code >>> 2;
}
