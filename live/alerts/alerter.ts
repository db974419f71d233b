import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import { AlertQueue } from './queue.ts';
import { AlertRateLimiter, DEFAULT_RATE_WINDOW_MS } from './rate-limiter.ts';
import { type AlertSink, SinkError } from './sink.ts';
import { ALWAYS_URGENT, type Alert, type AlertInput, type SendOutcome } from './types.ts';

/** Counters the alerter reports to (OpsMetrics implements it; see live/ops/metrics.ts). */
export interface AlertEvents {
  sent(alert: Alert, sink: string): void;
  /** `queue_full`: evicted for a newer alert; `shutdown`: still queued when the alerter closed. */
  dropped(alert: Alert, reason: 'queue_full' | 'shutdown'): void;
  suppressed(alert: AlertInput): void;
  /** Gave up on one sink after the last attempt or a non-retryable error. */
  failed(alert: Alert, sink: string): void;
  queueLength(n: number): void;
}

export interface RetryPolicy {
  /** Attempts per alert per sink, the first included. */
  readonly maxAttempts: number;
  /** Backoff before attempt n+1 is base × 2^(n−1), capped at maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Upper bound on a server's `retry_after`, so one answer cannot park the queue for hours. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Waits `ms` or rejects when `signal` aborts. Injected in tests to record waits instead of taking them. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const realSleep: Sleep = async (ms, signal) => {
  await sleepFor(ms, undefined, { signal });
};

export interface AlerterOptions {
  /** Time for rate limiting and alert stamps. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Empty: alerts are only logged (one `Alert (no webhook configured)` line says so). */
  readonly sinks: readonly AlertSink[];
  /** Queue bound (default 100). */
  readonly capacity?: number;
  /** Rate-limit window (default 5 minutes). */
  readonly rateWindowMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  readonly events?: AlertEvents;
}

export interface AlerterStats {
  readonly queued: number;
  readonly sent: number;
  readonly dropped: number;
  readonly suppressed: number;
  readonly failed: number;
}

/**
 * Alerts off the trading loop's path (seed §3b Feature 4). {@link send} decides synchronously — rate limit,
 * then enqueue into a bounded {@link AlertQueue} — and returns; one background worker delivers the queue to
 * every sink with retries and exponential backoff (a server's `retry_after` replaces the backoff). A
 * sink that is down slows only the worker: the queue fills, the oldest non-urgent alerts are evicted and
 * counted, and the loop never notices.
 *
 * Every failure is logged with the alert type, sink and attempt; nothing is swallowed.
 */
export class Alerter {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sinks: readonly AlertSink[];
  private readonly queue: AlertQueue;
  private readonly limiter: AlertRateLimiter;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly events: AlertEvents | undefined;
  private readonly abort = new AbortController();
  private seq = 0;
  private running = false;
  private closed = false;
  private warnedNoSink = false;
  private idleWaiters: Array<() => void> = [];
  private counts = { sent: 0, dropped: 0, suppressed: 0, failed: 0 };

  constructor(opts: AlerterOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.sinks = opts.sinks;
    this.queue = new AlertQueue(opts.capacity ?? 100);
    this.limiter = new AlertRateLimiter(opts.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? realSleep;
    this.events = opts.events;
  }

  /** Names of the configured sinks (secret-free). */
  get sinkNames(): readonly string[] {
    return this.sinks.map((s) => s.name);
  }

  /** Alerts waiting for delivery (the one being delivered not included). */
  get pending(): number {
    return this.queue.length;
  }

  stats(): AlerterStats {
    return { queued: this.queue.length, ...this.counts };
  }

  /**
   * Raises an alert. Synchronous and O(1): it never waits on a sink. KILL_SWITCH, SYSTEM_HALTED and
   * AUTO_RECOVERY are urgent whatever `input.urgent` says.
   */
  send(input: AlertInput): SendOutcome {
    const now = this.clock.now();
    const urgent = input.urgent || ALWAYS_URGENT.has(input.type);
    const a: Alert = { ...input, urgent, ts: now, seq: ++this.seq };
    if (!this.limiter.admit(a, now)) {
      this.counts.suppressed++;
      this.events?.suppressed(a);
      this.logger.debug(
        { alert_type: a.type, rate_key: AlertRateLimiter.keyOf(a) },
        'Alert suppressed (rate limit)',
      );
      return 'suppressed';
    }
    const logObj = { alert_type: a.type, urgent, seq: a.seq, ...a.fields };
    if (urgent) this.logger.warn(logObj, `ALERT ${a.type}: ${a.title}`);
    else this.logger.info(logObj, `ALERT ${a.type}: ${a.title}`);

    if (this.sinks.length === 0) {
      if (!this.warnedNoSink) {
        this.warnedNoSink = true;
        this.logger.warn(
          { hint: 'set ALERT_WEBHOOK_URL, or TELEGRAM_BOT_TOKEN and ALERT_CHAT_ID (deploy/README.md)' },
          'Alert (no webhook configured)',
        );
      }
      return 'no_sink';
    }
    if (this.closed) {
      this.drop(a, 'shutdown');
      return 'dropped';
    }
    const { dropped } = this.queue.push(a);
    if (dropped !== null) this.drop(dropped, 'queue_full');
    this.events?.queueLength(this.queue.length);
    if (!this.running) {
      this.running = true;
      // Deliver on a later turn of the event loop: `send` returns before any network work starts.
      setImmediate(() => {
        this.drain().catch((err: unknown) => {
          this.running = false;
          this.logger.error({ err: errText(err) }, 'Alert delivery worker crashed');
        });
      });
    }
    return 'queued';
  }

  /** Resolves once the queue is empty and nothing is in flight. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Graceful stop: waits up to `timeoutMs` for the queue to drain, then aborts the attempt in flight and
   * counts what is left as dropped (`shutdown`), with one log line listing them.
   */
  async close(timeoutMs = 5_000): Promise<{ readonly undelivered: number }> {
    this.closed = true;
    if (this.running || this.queue.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      if (timer !== undefined) clearTimeout(timer);
    }
    this.abort.abort(new Error('alerter closed'));
    const left = this.queue.snapshot();
    for (let a = this.queue.shift(); a !== undefined; a = this.queue.shift()) this.drop(a, 'shutdown');
    if (left.length > 0) {
      this.logger.warn(
        { undelivered: left.length, types: left.map((a) => a.type) },
        'Alerts undelivered at shutdown',
      );
    }
    return { undelivered: left.length };
  }

  private drop(a: Alert, reason: 'queue_full' | 'shutdown'): void {
    this.counts.dropped++;
    this.events?.dropped(a, reason);
    if (reason === 'queue_full') {
      this.logger.warn(
        { alert_type: a.type, seq: a.seq, urgent: a.urgent, dropped_total: this.counts.dropped },
        'Alert dropped (queue full)',
      );
    }
  }

  private async drain(): Promise<void> {
    for (let a = this.queue.shift(); a !== undefined; a = this.queue.shift()) {
      this.events?.queueLength(this.queue.length);
      for (const sink of this.sinks) {
        if (this.abort.signal.aborted) break;
        await this.deliver(a, sink);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async deliver(a: Alert, sink: AlertSink): Promise<void> {
    const ctx = { alert_type: a.type, seq: a.seq, sink: sink.name };
    for (let attempt = 1; ; attempt++) {
      try {
        await sink.deliver(a, this.abort.signal);
        this.counts.sent++;
        this.events?.sent(a, sink.name);
        this.logger.info({ ...ctx, attempt }, 'Alert delivered');
        return;
      } catch (err) {
        const e = err instanceof SinkError ? err : new SinkError(errText(err), true);
        if (this.abort.signal.aborted) {
          this.logger.warn({ ...ctx, attempt, err: e.message }, 'Alert delivery aborted at shutdown');
          this.counts.failed++;
          this.events?.failed(a, sink.name);
          return;
        }
        if (!e.retryable || attempt >= this.retry.maxAttempts) {
          this.counts.failed++;
          this.events?.failed(a, sink.name);
          this.logger.error(
            { ...ctx, attempts: attempt, status: e.status, retryable: e.retryable, err: e.message },
            'Alert delivery failed',
          );
          return;
        }
        const backoff = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        const wait = e.retryAfterMs === null ? backoff : Math.min(e.retryAfterMs, this.retry.maxRetryAfterMs);
        this.logger.warn(
          { ...ctx, attempt, status: e.status, retry_in_ms: wait, err: e.message },
          'Alert delivery failed, retrying',
        );
        try {
          await this.sleep(wait, this.abort.signal);
        } catch (sleepErr) {
          this.counts.failed++;
          this.events?.failed(a, sink.name);
          this.logger.warn({ ...ctx, attempt, err: errText(sleepErr) }, 'Alert retry abandoned at shutdown');
          return;
        }
      }
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
