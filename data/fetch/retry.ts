/**
 * Bounded retries with exponential backoff. No jitter: one client, one venue, and deterministic delays
 * keep the tests exact. Errors that are not retryable, and the last one, are rethrown unchanged.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

export interface RetryHooks {
  isRetryable: (err: unknown) => boolean;
  /** Called before each wait, so the caller can log it. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delay before retry number `attempt` (1-based): base × 2^(attempt−1), capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Error thrown when every attempt failed; `cause` is the last error, `attempts` how many were made. */
export class RetriesExhaustedError extends Error {
  readonly attempts: number;
  constructor(message: string, attempts: number, cause: unknown) {
    super(message, { cause });
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
  describe: () => string,
): Promise<T> {
  const sleep = hooks.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!hooks.isRetryable(err)) throw err;
      if (attempt >= policy.maxAttempts) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new RetriesExhaustedError(
          `${describe()} failed after ${attempt} attempts: ${msg}`,
          attempt,
          err,
        );
      }
      const delayMs = backoffDelay(policy, attempt);
      hooks.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
