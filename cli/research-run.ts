import { defaultWorkers } from '../api/research.ts';
import { UserError } from '../data/errors.ts';

/*
 * Flags and signals the research commands (sweep, walkforward, compare) share.
 */

/** `--workers N`: a whole number ≥ 1; default the machine's available parallelism. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError(`--workers '${value}' is not a whole number of worker threads between 1 and 256`);
  }
  return n;
}

/**
 * First SIGINT: abort the signal (the workflow stops starting configs, lets those in flight finish and
 * be logged). Second: exit at once (the results log is fsync'd per config, so nothing finished is lost
 * either way).
 */
export function interruptOnSigint(json: boolean): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const onSigint = () => {
    if (ctl.signal.aborted) process.exit(130);
    if (!json)
      process.stderr.write(
        '\nsmc: stopping after the configs in flight (Ctrl-C again to quit now); rerun the same command to resume\n',
      );
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ctl.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** `--grid FILE`, which commander requires; named here too for callers that bypass it. */
export function requireGrid(path: string | undefined): string {
  if (path === undefined)
    throw new UserError('--grid FILE is required: a YAML grid (see config/grids/ote-4h.yaml)');
  return path;
}
