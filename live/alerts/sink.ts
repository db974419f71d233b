import type { Alert } from './types.ts';

/** Where alerts go: Telegram, a JSON webhook. One call per attempt; the alerter retries. */
export interface AlertSink {
  /** Short, secret-free name for logs and metrics, e.g. `telegram` or `webhook(discord.com)`. */
  readonly name: string;
  /** Delivers one alert. Throws {@link SinkError} (or anything: treated as retryable) on failure. */
  deliver(alert: Alert, signal: AbortSignal): Promise<void>;
}

/**
 * A failed delivery attempt. `retryable` false means the same request will fail again (a 400, a bad
 * token): the alerter gives up at once. `retryAfterMs` is the server's own wait (HTTP 429 / Telegram
 * `parameters.retry_after`), which replaces the backoff.
 */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/** HTTP status → retryable: 408, 425, 429 and 5xx are worth repeating; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
