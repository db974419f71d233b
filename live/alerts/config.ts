import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import type { WebhookFormat } from './sinks/webhook.ts';

/**
 * Alert and Telegram settings from the environment (documented in deploy/README.md):
 *
 * - `ALERT_WEBHOOK_URL`: a Telegram `https://api.telegram.org/bot<TOKEN>/sendMessage` URL (the seed's
 *   convention: the bot token is taken from it and its origin is the Bot API root) or any JSON webhook
 *   (Discord, Slack, …).
 * - `ALERT_CHAT_ID`: the Telegram chat alerts go to and the only chat whose commands are answered.
 * - `TELEGRAM_BOT_TOKEN`: the token, when the webhook URL is not a Telegram one (both sinks then run).
 * - `TELEGRAM_API_ROOT`: Bot API origin (default https://api.telegram.org; a local Bot API server or fake).
 * - `ALERT_WEBHOOK_FORMAT`: `json` (default: `content` + `text` + fields), `discord` or `slack`.
 * - `ALERT_QUEUE_CAPACITY` (default 100), `ALERT_RATE_LIMIT_SECONDS` (default 300),
 *   `TELEGRAM_COMMANDS` (`on` default / `off`: alerts only, no command bot).
 */

const TOKEN_RE = /^\d+:[A-Za-z0-9_-]{20,}$/;
/** `/bot<token>/` in a Telegram Bot API URL. */
const TELEGRAM_URL_RE = /\/bot(\d+:[A-Za-z0-9_-]+)(?:\/|$)/;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  ALERT_WEBHOOK_URL: z.preprocess(
    blankToUndefined,
    z.url({ message: 'must be an http(s) URL (a Telegram sendMessage URL or a JSON webhook)' }).optional(),
  ),
  ALERT_CHAT_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^(-?\d+|@[A-Za-z0-9_]{5,})$/, 'must be a numeric Telegram chat id or @channelname')
      .optional(),
  ),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().regex(TOKEN_RE, 'must look like 123456:ABC… (the token @BotFather gave)').optional(),
  ),
  TELEGRAM_API_ROOT: z.preprocess(
    blankToUndefined,
    z
      .url({ message: 'must be an http(s) origin such as https://api.telegram.org' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  ALERT_WEBHOOK_FORMAT: z.preprocess(blankToUndefined, z.enum(['json', 'discord', 'slack']).default('json')),
  ALERT_QUEUE_CAPACITY: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(10_000).default(100),
  ),
  ALERT_RATE_LIMIT_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(86_400).default(300)),
  TELEGRAM_COMMANDS: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('on')),
});

export interface TelegramSettings {
  readonly token: string;
  readonly chatId: string;
  readonly apiRoot: string;
}

export interface AlertSettings {
  readonly telegram: TelegramSettings | null;
  readonly webhook: { readonly url: string; readonly format: WebhookFormat } | null;
  readonly queueCapacity: number;
  readonly rateWindowMs: number;
  /** Run the Telegram command bot (needs `telegram`). */
  readonly commands: boolean;
}

/**
 * Validates the alert environment. Failures are a UserError naming the variable and the fix; a token is
 * never part of a message.
 */
export function alertSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): AlertSettings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UserError(`alert settings: ${why}`);
  }
  const e = parsed.data;
  let token = e.TELEGRAM_BOT_TOKEN ?? null;
  let apiRoot = e.TELEGRAM_API_ROOT ?? null;
  let webhook: AlertSettings['webhook'] = null;
  if (e.ALERT_WEBHOOK_URL !== undefined) {
    const m = TELEGRAM_URL_RE.exec(new URL(e.ALERT_WEBHOOK_URL).pathname);
    if (m !== null) {
      if (token !== null && token !== m[1]) {
        throw new UserError(
          'alert settings: TELEGRAM_BOT_TOKEN and the token in ALERT_WEBHOOK_URL differ: set only one of them',
        );
      }
      token = m[1];
      apiRoot ??= new URL(e.ALERT_WEBHOOK_URL).origin;
    } else {
      webhook = { url: e.ALERT_WEBHOOK_URL, format: e.ALERT_WEBHOOK_FORMAT };
    }
  }
  let telegram: TelegramSettings | null = null;
  if (token !== null) {
    if (e.ALERT_CHAT_ID === undefined) {
      throw new UserError(
        'alert settings: ALERT_CHAT_ID is missing: a Telegram bot token is set, so give the chat id alerts go to (your numeric Telegram user id)',
      );
    }
    telegram = { token, chatId: e.ALERT_CHAT_ID, apiRoot: apiRoot ?? 'https://api.telegram.org' };
  } else if (e.ALERT_CHAT_ID !== undefined) {
    throw new UserError(
      'alert settings: ALERT_CHAT_ID is set but there is no Telegram bot token: set TELEGRAM_BOT_TOKEN or a Telegram ALERT_WEBHOOK_URL (…/bot<TOKEN>/sendMessage)',
    );
  }
  return {
    telegram,
    webhook,
    queueCapacity: e.ALERT_QUEUE_CAPACITY,
    rateWindowMs: e.ALERT_RATE_LIMIT_SECONDS * 1000,
    commands: telegram !== null && e.TELEGRAM_COMMANDS === 'on',
  };
}

/** Secret-free one-liner for the startup log. */
export function describeAlertSettings(s: AlertSettings): string {
  const parts: string[] = [];
  if (s.telegram) parts.push(`telegram(chat ${s.telegram.chatId}, ${new URL(s.telegram.apiRoot).host})`);
  if (s.webhook) parts.push(`webhook(${new URL(s.webhook.url).host}, ${s.webhook.format})`);
  return parts.length === 0 ? 'none (alerts are only logged)' : parts.join(' + ');
}
