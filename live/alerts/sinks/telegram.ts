import { Api, GrammyError, HttpError } from 'grammy';
import type { AlertSink } from '../sink.ts';
import { isRetryableStatus, SinkError } from '../sink.ts';
import { type Alert, renderAlertText } from '../types.ts';

export interface TelegramSinkOptions {
  readonly token: string;
  /** Numeric chat id or `@channelusername`. */
  readonly chatId: string;
  /** Bot API origin without a trailing slash; a local fake in tests. Default https://api.telegram.org. */
  readonly apiRoot?: string;
  readonly timeoutMs?: number;
}

type GrammySignal = Parameters<Api['sendMessage']>[3];

/** Telegram caps a message at 4096 characters. */
const MAX_TEXT = 4000;

/** Sends alerts as plain-text Telegram messages through grammY's Api client (no parse mode: no escaping). */
export class TelegramSink implements AlertSink {
  readonly name = 'telegram';
  private readonly api: Api;
  private readonly chatId: string;

  constructor(opts: TelegramSinkOptions) {
    this.chatId = opts.chatId;
    this.api = new Api(opts.token, {
      ...(opts.apiRoot === undefined ? {} : { apiRoot: opts.apiRoot }),
      timeoutSeconds: Math.max(1, Math.ceil((opts.timeoutMs ?? 10_000) / 1000)),
    });
  }

  async deliver(alert: Alert, signal: AbortSignal): Promise<void> {
    const full = renderAlertText(alert);
    const text = full.length > MAX_TEXT ? `${full.slice(0, MAX_TEXT)}…` : full;
    try {
      await this.api.sendMessage(
        this.chatId,
        text,
        { disable_notification: !alert.urgent },
        // grammY types its signal with the abort-controller polyfill; Node's AbortSignal is what it uses.
        signal as unknown as GrammySignal,
      );
    } catch (err) {
      throw toSinkError(err);
    }
  }
}

/** grammY's errors → SinkError: 429 carries `retry_after` (seconds); network failures are retryable. */
export function toSinkError(err: unknown): SinkError {
  if (err instanceof GrammyError) {
    const retryAfter = err.parameters.retry_after;
    return new SinkError(
      `telegram: ${err.error_code} ${err.description}`,
      isRetryableStatus(err.error_code),
      typeof retryAfter === 'number' ? retryAfter * 1000 : null,
      err.error_code,
    );
  }
  if (err instanceof HttpError) return new SinkError(`telegram: network error (${err.message})`, true);
  return new SinkError(`telegram: ${err instanceof Error ? err.message : String(err)}`, true);
}
