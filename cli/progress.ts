import cliProgress from 'cli-progress';

/** A progress bar: started with a total and a label, advanced, stopped. */
export interface Progress {
  start(total: number, label: string): void;
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal and the output is not --json; otherwise silent, so
 * piped and machine-read output stays clean.
 */
export function createProgress(opts: { json?: boolean } = {}): Progress {
  if (opts.json || !process.stderr.isTTY) {
    return { start() {}, update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let label = '';
  return {
    start(total, l) {
      label = l;
      bar.start(total, 0, { label });
    },
    update(done) {
      bar.update(done, { label });
    },
    stop() {
      bar.stop();
    },
  };
}

/** A bar driven by an api/ workflow's `onProgress(done, total)` reports. */
export interface ProgressDriver {
  /** Starts the bar (labelled) on the first report and restarts it when the label changes. */
  report(done: number, total: number, label: string): void;
  stop(): void;
}

/** A {@link ProgressDriver} over {@link createProgress} (silent under --json or without a terminal). */
export function progressDriver(opts: { json?: boolean } = {}): ProgressDriver {
  const bar = createProgress(opts);
  let current: string | null = null;
  return {
    report(done, total, label) {
      if (current !== label) {
        if (current !== null) bar.stop();
        bar.start(total, label);
        current = label;
      }
      bar.update(done);
    },
    stop() {
      if (current !== null) bar.stop();
      current = null;
    },
  };
}
