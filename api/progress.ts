/**
 * How the workflows report progress and accept cancellation: no terminal output here — the caller (the
 * CLI's progress bar, a notebook cell, a test) decides what to show.
 */

/**
 * Called as work advances with (units done, units total, details). Workflows call it with `done = 0` before
 * the first unit, so a caller can start a bar there. `Info` is `void` where there are no details.
 */
export type ProgressCallback<Info = void> = (done: number, total: number, info: Info) => void;

/** What a warning is about. */
export type WarningCode =
  /** Grid configs the schema refused, dropped under `invalid: skip`. */
  | 'grid-skipped'
  /** A variant the schema refused, dropped under `invalid: skip`. */
  | 'variant-skipped'
  /** Unreadable lines of a run directory's results.jsonl, ignored (their configs run again). */
  | 'results-log-discarded';

/** A non-fatal problem a workflow met and went on from (the CLI prints it on stderr). */
export type WarningCallback = (message: string, code: WarningCode) => void;

/**
 * Wraps `onProgress` so each call first checks `signal`: a workflow whose inner loop only reports progress
 * (a single backtest) stops at the next report after an abort, throwing the signal's reason.
 */
export function abortingProgress<Info>(
  signal: AbortSignal | undefined,
  onProgress: ProgressCallback<Info> | undefined,
): ProgressCallback<Info> | undefined {
  if (signal === undefined) return onProgress;
  return (done, total, info) => {
    signal.throwIfAborted();
    onProgress?.(done, total, info);
  };
}
