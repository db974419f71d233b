import { ZodError } from 'zod';
import { formatZodError } from '../api/errors.ts';
import { UserError } from '../data/errors.ts';

export { formatZodError };

/**
 * Prints one line naming the cause (and, for a UserError, its row-level details) and returns the exit
 * code. Unexpected errors keep their stack so they can be reported.
 */
export function reportFailure(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`smc: ${err.message}\n`);
    for (const d of err.details.slice(0, 50)) process.stderr.write(`  ${d}\n`);
    if (err.details.length > 50) process.stderr.write(`  … and ${err.details.length - 50} more\n`);
    return 2;
  }
  if (err instanceof ZodError) {
    process.stderr.write(`smc: invalid input: ${formatZodError(err)}\n`);
    return 2;
  }
  if (err instanceof Error && err.name === 'CommanderError') return 2;
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`smc: ${e.message}\n`);
  if (process.env.SMC_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
  return 1;
}

/** Wraps a commander action so every failure goes through reportFailure and sets the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  };
}
