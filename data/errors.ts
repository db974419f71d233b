/**
 * An error a user can fix: bad input, a missing file, a refused row. The CLI prints `message` as the one-line
 * cause and exits non-zero; `details` (row-level findings, say) go to --json output and logs.
 */
export class UserError extends Error {
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'UserError';
    this.details = details;
  }
}
