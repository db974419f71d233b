/**
 * Shared vocabulary of the SMC primitives. Every primitive is a causal, incremental state machine fed bar by
 * bar; what it learns is published as events carrying two indices:
 *
 * - `anchor`: the bar the fact refers to (the row the reference package writes it on), and
 * - `knownAt`: the first bar at whose close the fact is knowable from bars `0..knownAt` alone.
 *
 * A consumer deciding at bar t may use an event only when `knownAt <= t`. Batch functions run the same state
 * machine over a whole series and render the reference package's column layout from the events; that
 * rendering may write values at anchor rows retroactively, the events never do.
 */

/** Float64 OHLCV columns; a `CandleSeries` satisfies it. */
export interface Bars {
  readonly length: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Direction of a structure fact: 1 bullish / high, -1 bearish / low. */
export type Dir = 1 | -1;

/** Fields every primitive event has. */
export interface EventBase {
  /** Bar the event refers to (reference row). */
  readonly anchor: number;
  /** First bar at whose close the event is knowable. Always `>= anchor` unless stated otherwise. */
  readonly knownAt: number;
}

/**
 * The life every primitive shares. `update(i)` processes every bar up to and including `i` (bars must be
 * available in `bars` up to `i`; calling it again with the same or a smaller `i` does nothing), so a
 * consumer may call `update` on a dependency that another consumer already advanced. `finish()` marks the
 * end of the data: it emits only the reference's end-of-series artefacts (flagged `terminal`) and must not
 * be called by a live or backtest consumer.
 */
export interface Incremental<E extends EventBase> {
  /** Every event emitted so far, in emission order (non-decreasing `knownAt`). */
  readonly events: readonly E[];
  /** Number of bars processed. */
  readonly processed: number;
  /** Bars that must be processed before the first event can appear (the declared warm-up). */
  readonly warmup: number;
  update(i: number): void;
  finish(): void;
}

/**
 * How the reference writes a column: `int` as an integer (`0`, `-1`), `float` as the shortest float64 text
 * with a trailing `.0` on integers (`1.0`, `0.97324`), `float32` likewise for a value stored as float32.
 */
export type ColumnFormat = 'int' | 'float' | 'float32';

/** Reference-layout output: column names in order and one float64 column per name (NaN = empty cell). */
export interface ReferenceTable {
  readonly header: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly formats: readonly ColumnFormat[];
}

/** A float64 column of `n` NaNs. */
export function nanColumn(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
