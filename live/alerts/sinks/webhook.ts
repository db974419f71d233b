import type { AlertSink } from '../sink.ts';
import { isRetryableStatus, SinkError } from '../sink.ts';
import { type Alert, renderAlertText } from '../types.ts';

/**
 * Body shape of the generic webhook. `json` carries both `content` (Discord) and `text` (Slack) plus the
 * alert's fields, which Discord and Slack ignore; `discord` and `slack` send only what that service reads.
 */
export type WebhookFormat = 'json' | 'discord' | 'slack';

export interface WebhookSinkOptions {
  readonly url: string;
  readonly format?: WebhookFormat;
  /** Per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

/** Discord caps `content` at 2000 characters. */
const MAX_TEXT = 1900;

export function webhookBody(alert: Alert, format: WebhookFormat): Record<string, unknown> {
  const full = renderAlertText(alert);
  const text = full.length > MAX_TEXT ? `${full.slice(0, MAX_TEXT)}…` : full;
  if (format === 'discord') return { content: text };
  if (format === 'slack') return { text };
  return {
    content: text,
    text,
    alert: { type: alert.type, urgent: alert.urgent, ts: new Date(alert.ts).toISOString(), ...alert.fields },
  };
}

/** Seconds (possibly fractional) from a Retry-After header or a Discord-style JSON `retry_after`. */
function retryAfterMs(res: Response, body: string): number | null {
  const header = res.headers.get('retry-after');
  if (header !== null && Number.isFinite(Number(header))) return Number(header) * 1000;
  // A regex rather than JSON.parse: the body of an error page may be anything.
  const m = /"retry_after"\s*:\s*([0-9]+(?:\.[0-9]+)?)/.exec(body);
  return m === null ? null : Number(m[1]) * 1000;
}

/** POSTs alerts as JSON to a webhook (Discord, Slack or anything that takes JSON). */
export class WebhookSink implements AlertSink {
  readonly name: string;
  private readonly url: string;
  private readonly format: WebhookFormat;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(opts: WebhookSinkOptions) {
    this.url = opts.url;
    this.format = opts.format ?? 'json';
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchFn = opts.fetch ?? fetch;
    // The host only: webhook paths carry secrets (Discord's token is in the path).
    this.name = `webhook(${new URL(opts.url).host})`;
  }

  async deliver(alert: Alert, signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(alert, this.format)),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new SinkError(`${this.name}: request failed (${why})`, true);
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const body = await res.text().catch((err: unknown) => `(body unreadable: ${String(err)})`);
    throw new SinkError(
      `${this.name}: HTTP ${res.status} ${body.slice(0, 200)}`,
      isRetryableStatus(res.status),
      res.status === 429 ? retryAfterMs(res, body) : null,
      res.status,
    );
  }
}
