import { Bot, type Context, type Transformer } from 'grammy';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../engine/log.ts';
import type { OpsDataSource } from '../ops/data-source.ts';
import {
  COMMANDS,
  formatCommandError,
  formatHelp,
  formatPositions,
  formatStatus,
  formatTrades,
} from './commands.ts';

export interface CommandBotOptions {
  readonly token: string;
  /** The authorised chat (`ALERT_CHAT_ID`): numeric id or `@channelname`. Every other chat is ignored. */
  readonly chatId: string;
  /** Bot API origin (a local fake in tests). Default https://api.telegram.org. */
  readonly apiRoot?: string;
  readonly data: OpsDataSource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Long-poll timeout in seconds (default 30). */
  readonly pollTimeoutS?: number;
  /** Retries of a reply answered 429 (default 2), each after the server's `retry_after`. */
  readonly maxReplyRetries?: number;
  /** Injected in tests to record the wait instead of taking it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (default 45 s: above the long-poll timeout). */
  readonly timeoutSeconds?: number;
}

/** Longest `retry_after` a reply waits for; a longer one gives up (logged) rather than stall the bot. */
const MAX_REPLY_WAIT_MS = 60_000;

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The interactive Telegram bot (seed §12), on grammY with long polling: `/status` `/s`, `/positions`
 * `/pos` `/p`, `/trades` `/t`, `/help` `/start`. Only the authorised chat is answered; any other chat
 * gets no answer and one log line. A failing command is logged and answered with a short apology; no
 * error leaves the bot (it runs beside the trading loop and must never disturb it).
 */
export class TelegramCommandBot {
  readonly bot: Bot;
  private readonly opts: CommandBotOptions;
  private readonly logger: Logger;
  private polling: Promise<void> | null = null;

  constructor(opts: CommandBotOptions) {
    this.opts = opts;
    this.logger = opts.logger;
    this.bot = new Bot(opts.token, {
      client: {
        ...(opts.apiRoot === undefined ? {} : { apiRoot: opts.apiRoot }),
        timeoutSeconds: opts.timeoutSeconds ?? 45,
      },
    });
    this.bot.api.config.use(this.retryOn429());
    this.bot.use(async (ctx, next) => {
      if (this.authorised(ctx)) return next();
      this.logger.warn(
        {
          chat_id: ctx.chat?.id ?? null,
          chat_type: ctx.chat?.type ?? null,
          from_id: ctx.from?.id ?? null,
          text: ctx.message?.text?.slice(0, 64) ?? null,
        },
        'Telegram command from unauthorised chat ignored',
      );
    });
    const { data, clock } = opts;
    this.bot.command(['status', 's'], (ctx) =>
      this.answer(ctx, 'status', async () => formatStatus(await data.status(), clock.now())),
    );
    this.bot.command(['positions', 'pos', 'p'], (ctx) =>
      this.answer(ctx, 'positions', async () => formatPositions(await data.positions())),
    );
    this.bot.command(['trades', 't'], (ctx) =>
      this.answer(ctx, 'trades', async () => formatTrades(await data.recentTrades(5))),
    );
    this.bot.command(['help', 'start'], (ctx) => this.answer(ctx, 'help', async () => formatHelp()));
    this.bot.on('message:entities:bot_command', (ctx) => {
      const cmd = ctx.message.text.split(/\s/)[0] ?? '';
      const at = cmd.indexOf('@');
      // In a group, a command addressed to another bot is not ours to answer.
      if (at >= 0 && cmd.slice(at + 1).toLowerCase() !== ctx.me.username.toLowerCase()) return;
      return this.answer(ctx, 'help', async () => `Unknown command ${cmd}.\n${formatHelp()}`);
    });
    this.bot.catch((err) => {
      this.logger.error(
        { err: errText(err.error), update_id: err.ctx.update.update_id },
        'Telegram bot error while handling an update',
      );
    });
  }

  /** Starts long polling in the background; returns at once. Polling failures are logged. */
  start(): void {
    if (this.polling !== null) return;
    this.polling = this.bot
      .start({
        timeout: this.opts.pollTimeoutS ?? 30,
        onStart: (me) => {
          this.logger.info({ bot: me.username, chat_id: this.opts.chatId }, 'Telegram command bot started');
          this.bot.api
            .setMyCommands(
              COMMANDS.map((c) => ({ command: c.name, description: c.description.slice(0, 256) })),
            )
            .catch((err: unknown) =>
              this.logger.warn({ err: errText(err) }, 'Telegram setMyCommands failed (commands still work)'),
            );
        },
      })
      .catch((err: unknown) => {
        this.logger.error({ err: errText(err) }, 'Telegram command bot stopped polling');
      })
      .finally(() => {
        this.polling = null;
      });
  }

  get running(): boolean {
    return this.bot.isRunning();
  }

  /** Stops polling (confirming the last update to Telegram) and waits for the loop to end. */
  async stop(): Promise<void> {
    const polling = this.polling;
    if (this.bot.isRunning()) {
      try {
        await this.bot.stop();
      } catch (err) {
        this.logger.warn(
          { err: errText(err) },
          'Telegram command bot: stop could not confirm the last update',
        );
      }
    }
    await polling;
  }

  private authorised(ctx: Context): boolean {
    const chat = ctx.chat;
    if (chat === undefined) return false;
    const want = this.opts.chatId;
    if (want.startsWith('@')) return 'username' in chat && `@${chat.username}` === want;
    return String(chat.id) === want;
  }

  private async answer(ctx: Context, command: string, produce: () => Promise<string>): Promise<void> {
    let text: string;
    try {
      text = await produce();
    } catch (err) {
      this.logger.error(
        {
          command,
          chat_id: ctx.chat?.id ?? null,
          err: errText(err),
          stack: err instanceof Error ? err.stack : null,
        },
        'Telegram command failed',
      );
      text = formatCommandError(command);
    }
    try {
      await ctx.reply(text);
    } catch (err) {
      this.logger.error(
        { command, chat_id: ctx.chat?.id ?? null, err: errText(err) },
        'Telegram reply failed',
      );
    }
  }

  /** A 429 on any call but getUpdates (grammY handles that one) is retried after `retry_after`. */
  private retryOn429(): Transformer {
    const max = this.opts.maxReplyRetries ?? 2;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    return async (prev, method, payload, signal) => {
      for (let attempt = 0; ; attempt++) {
        const res = await prev(method, payload, signal);
        if (res.ok || res.error_code !== 429 || method === 'getUpdates' || attempt >= max) return res;
        const waitMs = (res.parameters?.retry_after ?? 1) * 1000;
        if (waitMs > MAX_REPLY_WAIT_MS) {
          this.logger.warn(
            { method, retry_after_s: waitMs / 1000 },
            'Telegram rate limit too long: not retrying',
          );
          return res;
        }
        this.logger.warn(
          { method, attempt: attempt + 1, retry_after_s: waitMs / 1000 },
          'Telegram rate limited, retrying',
        );
        await sleep(waitMs);
      }
    };
  }
}
