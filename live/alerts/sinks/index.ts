import type { AlertSettings } from '../config.ts';
import type { AlertSink } from '../sink.ts';
import { TelegramSink } from './telegram.ts';
import { WebhookSink } from './webhook.ts';

export { TelegramSink, type TelegramSinkOptions, toSinkError } from './telegram.ts';
export { type WebhookFormat, WebhookSink, type WebhookSinkOptions, webhookBody } from './webhook.ts';

/** The sinks the settings configure (possibly none). */
export function sinksFromSettings(s: AlertSettings, timeoutMs = 10_000): AlertSink[] {
  const sinks: AlertSink[] = [];
  if (s.telegram) {
    sinks.push(
      new TelegramSink({
        token: s.telegram.token,
        chatId: s.telegram.chatId,
        apiRoot: s.telegram.apiRoot,
        timeoutMs,
      }),
    );
  }
  if (s.webhook) sinks.push(new WebhookSink({ url: s.webhook.url, format: s.webhook.format, timeoutMs }));
  return sinks;
}
