import cliProgress from 'cli-progress';

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
