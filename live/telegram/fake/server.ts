import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

/**
 * A local fake of the Telegram Bot API (test kit): the real grammY client is pointed at it with its
 * `apiRoot` option and talks HTTP to it exactly as to api.telegram.org — `POST /bot<token>/<method>`,
 * answers `{ ok, result }` or `{ ok: false, error_code, description, parameters }`.
 *
 * Implemented: getMe, deleteWebhook, getUpdates (long polling with `offset`, `limit`, `timeout`; an offset
 * confirms and forgets earlier updates), sendMessage (recorded), setMyCommands. Tests play the user with
 * {@link FakeTelegramApi.userMessage} and inject failures with {@link FakeTelegramApi.failNext}: an HTTP
 * error, a 429 with `parameters.retry_after`, or a request that never answers (a timeout).
 */

export interface FakeTelegramOptions {
  /** The only token accepted; others get 401 Unauthorized, as Telegram answers. */
  readonly token: string;
  readonly botId?: number;
  readonly botUsername?: string;
}

export interface SentMessage {
  readonly messageId: number;
  readonly chatId: string;
  readonly text: string;
  readonly disableNotification: boolean;
  /** Wall time it arrived (ms). */
  readonly at: number;
}

export interface ApiCall {
  readonly method: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly at: number;
  /** HTTP status answered (0 while a hung request is pending). */
  status: number;
}

export interface InjectedFault {
  /** HTTP status and Telegram `error_code` (e.g. 429, 500, 400). Ignored with `hang`. */
  readonly status?: number;
  readonly description?: string;
  /** Seconds, sent as `parameters.retry_after` (429). */
  readonly retryAfter?: number;
  /** Never answer: the client's timeout fires. */
  readonly hang?: boolean;
}

export interface FakeChat {
  readonly id: number;
  readonly type?: 'private' | 'group' | 'supergroup';
}

interface Update {
  readonly update_id: number;
  readonly message: Record<string, unknown>;
}

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly resolve: (u: Update[]) => void;
}

const nowS = () => Math.floor(Date.now() / 1000);

export class FakeTelegramApi {
  readonly sent: SentMessage[] = [];
  readonly calls: ApiCall[] = [];
  private readonly app: FastifyInstance;
  private readonly token: string;
  private readonly bot: { id: number; username: string };
  private updates: Update[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private waiters: Waiter[] = [];
  private readonly faults = new Map<string, InjectedFault[]>();
  private readonly hung = new Set<FastifyReply>();
  private readonly listeners = new Set<() => void>();
  private origin: string | null = null;

  constructor(opts: FakeTelegramOptions) {
    this.token = opts.token;
    this.bot = { id: opts.botId ?? 777_000_001, username: opts.botUsername ?? 'smc_fake_bot' };
    this.app = Fastify({ logger: false, forceCloseConnections: true });
    this.app.post('/*', (req, reply) => this.handle(req.url, req.body, reply));
  }

  /** Listens on 127.0.0.1 (port 0: a free one); returns the origin to give grammY as `apiRoot`. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.app.listen({ port, host });
    const addr = this.app.server.address() as AddressInfo;
    this.origin = `http://${host}:${addr.port}`;
    return this.origin;
  }

  get apiRoot(): string {
    if (this.origin === null) throw new Error('FakeTelegramApi: start() it first');
    return this.origin;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) w.resolve([]);
    this.waiters = [];
    this.hung.clear();
    await this.app.close();
  }

  /** A user writes `text` in `chat`; commands get their `bot_command` entity as Telegram adds it. */
  userMessage(chat: FakeChat, text: string): number {
    const cmd = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const type = chat.type ?? 'private';
    const update: Update = {
      update_id: this.nextUpdateId++,
      message: {
        message_id: this.nextMessageId++,
        date: nowS(),
        chat:
          type === 'private'
            ? { id: chat.id, type, first_name: 'Operator' }
            : { id: chat.id, type, title: 'Group' },
        from: { id: Math.abs(chat.id), is_bot: false, first_name: 'Operator' },
        text,
        ...(cmd === null ? {} : { entities: [{ type: 'bot_command', offset: 0, length: cmd[0].length }] }),
      },
    };
    this.updates.push(update);
    this.wake();
    return update.update_id;
  }

  /** The next `times` calls of `method` fail with `fault`. */
  failNext(method: string, fault: InjectedFault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `pred` holds (checked on every API call), or rejects after `timeoutMs`. */
  waitFor(pred: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`FakeTelegramApi: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** Resolves with the first `n` messages sent to `chatId` (any chat when omitted). */
  async waitForSent(n: number, chatId?: string | number, timeoutMs = 5_000): Promise<SentMessage[]> {
    const mine = () => this.sent.filter((m) => chatId === undefined || m.chatId === String(chatId));
    await this.waitFor(() => mine().length >= n, timeoutMs, `${n} sent message(s)`);
    return mine();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      const batch = this.pending(w.offset, w.limit);
      if (batch.length > 0) w.resolve(batch);
      else this.waiters.push(w);
    }
  }

  private pending(offset: number, limit: number): Update[] {
    // An offset confirms every earlier update: Telegram forgets them.
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    return this.updates.slice(0, limit);
  }

  private async handle(url: string, rawBody: unknown, reply: FastifyReply): Promise<unknown> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.split('?')[0]);
    const body = (typeof rawBody === 'object' && rawBody !== null ? rawBody : {}) as Record<string, unknown>;
    const call: ApiCall = { method: m?.[2] ?? url, body, at: Date.now(), status: 0 };
    this.calls.push(call);
    const answer = (status: number, payload: unknown) => {
      call.status = status;
      this.notify();
      return reply.code(status).send(payload);
    };
    if (m === null) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2];

    const fault = this.faults.get(method)?.shift();
    if (fault !== undefined) {
      if (fault.hang) {
        this.hung.add(reply);
        this.notify();
        return reply; // never answered; the client times out
      }
      const status = fault.status ?? 500;
      return answer(status, {
        ok: false,
        error_code: status,
        description:
          fault.description ??
          (status === 429
            ? `Too Many Requests: retry after ${fault.retryAfter ?? 1}`
            : 'Internal Server Error'),
        ...(fault.retryAfter === undefined ? {} : { parameters: { retry_after: fault.retryAfter } }),
      });
    }

    const ok = (result: unknown) => answer(200, { ok: true, result });
    switch (method) {
      case 'getMe':
        return ok({
          id: this.bot.id,
          is_bot: true,
          first_name: 'smc',
          username: this.bot.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'deleteWebhook':
      case 'setMyCommands':
        return ok(true);
      case 'getUpdates': {
        const offset = typeof body.offset === 'number' ? body.offset : 0;
        const limit = typeof body.limit === 'number' ? body.limit : 100;
        const timeoutS = typeof body.timeout === 'number' ? body.timeout : 0;
        const ready = this.pending(offset, limit);
        if (ready.length > 0 || timeoutS <= 0) return ok(ready);
        const batch = await new Promise<Update[]>((resolve) => {
          const timer = setTimeout(() => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve([]);
          }, timeoutS * 1000);
          const waiter: Waiter = {
            offset,
            limit,
            resolve: (u) => {
              clearTimeout(timer);
              resolve(u);
            },
          };
          this.waiters.push(waiter);
          reply.raw.once('close', () => {
            // The client gave up (bot stopped): release the slot.
            if (!reply.sent) waiter.resolve([]);
          });
        });
        return ok(batch);
      }
      case 'sendMessage': {
        const chatId = body.chat_id;
        const text = body.text;
        if (
          (typeof chatId !== 'number' && typeof chatId !== 'string') ||
          typeof text !== 'string' ||
          text === ''
        ) {
          return answer(400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message text is empty',
          });
        }
        const msg: SentMessage = {
          messageId: this.nextMessageId++,
          chatId: String(chatId),
          text,
          disableNotification: body.disable_notification === true,
          at: Date.now(),
        };
        this.sent.push(msg);
        return ok({
          message_id: msg.messageId,
          date: nowS(),
          chat: { id: Number(chatId), type: 'private', first_name: 'Operator' },
          from: { id: this.bot.id, is_bot: true, first_name: 'smc', username: this.bot.username },
          text,
        });
      }
      default:
        return answer(404, {
          ok: false,
          error_code: 404,
          description: `Not Found: method ${method} not faked`,
        });
    }
  }
}
