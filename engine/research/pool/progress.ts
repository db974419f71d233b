/** Sweep progress as the CLI bar and notebooks show it. */
export interface ProgressInfo {
  /** Configs finished, resumed ones included. */
  done: number;
  total: number;
  /** Configs whose result already existed (resumed, not recomputed). */
  resumed: number;
  elapsedSeconds: number;
  /** Configs computed per second in this run (resumed ones excluded). */
  configsPerSecond: number;
  /** Seconds left at the current rate; null before the first config finished. */
  etaSeconds: number | null;
}

/** Progress figures from counts and two clock readings in ms (the caller owns the clock). */
export function progressInfo(
  done: number,
  total: number,
  resumed: number,
  startMs: number,
  nowMs: number,
): ProgressInfo {
  const elapsedSeconds = Math.max(0, (nowMs - startMs) / 1000);
  const computed = done - resumed;
  const configsPerSecond = elapsedSeconds > 0 ? computed / elapsedSeconds : 0;
  const etaSeconds = configsPerSecond > 0 ? (total - done) / configsPerSecond : null;
  return { done, total, resumed, elapsedSeconds, configsPerSecond, etaSeconds };
}
