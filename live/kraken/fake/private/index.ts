import type { FastifyInstance } from 'fastify';
import { isPrivatePath } from '../../api/paths.ts';
import type { FakeCredentials, FakeVenueContext } from '../server.ts';
import { FakeAccount, type FakeAccountOptions } from './account.ts';
import { KrakenAuthenticator } from './auth.ts';
import { type OutageSwitch, registerAccountControlRoutes } from './control.ts';
import { registerPrivateRoutes } from './routes.ts';

export {
  EditRefusal,
  FakeAccount,
  type FakeAccountOptions,
  type MarketFillMode,
  OrderRefusal,
} from './account.ts';
export { type AuthFailure, KrakenAuthenticator, krakenAuthent } from './auth.ts';

/** Environment variables holding the API key pair (the same names `smc live` reads). */
export const API_KEY_ENV = 'KRAKEN_FUTURES_API_KEY';
export const API_SECRET_ENV = 'KRAKEN_FUTURES_API_SECRET';

/** The key pair from the environment, or null when either half is missing. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): FakeCredentials | null {
  const apiKey = env[API_KEY_ENV];
  const apiSecret = env[API_SECRET_ENV];
  return apiKey && apiSecret ? { apiKey, apiSecret } : null;
}

export interface PrivateVenueOptions extends FakeAccountOptions {
  /**
   * The key pair requests must be signed with. Default: the server's `credentials`, else the environment
   * ({@link API_KEY_ENV}, {@link API_SECRET_ENV}); `null` or none found = open mode (no authentication).
   */
  credentials?: FakeCredentials | null;
  /** See {@link KrakenAuthenticator}: how far out of order a nonce may be. Default 0 (strictly increasing). */
  nonceTolerance?: number;
}

export interface PrivateVenue {
  /** Pass to `createFakeKrakenServer({ extensions: [venue.extension] })`. */
  readonly extension: (app: FastifyInstance, ctx: FakeVenueContext) => Promise<void>;
  /** The account, once the server is ready (`server.ready()` or `start()`). */
  readonly account: FakeAccount;
  /** Whether requests are authenticated (false in open mode). */
  readonly authenticated: boolean;
  /** The venue drops every connection for `downMs` of wall time, then serves again with its state intact. */
  restart(downMs: number): void;
  /**
   * The next `count` private requests (of `path`, e.g. `/derivatives/api/v3/sendorder`, or any) are
   * processed but their answer is lost: the connection drops before the response. The ambiguous failure
   * an idempotent client must resolve by looking the order up.
   */
  loseResponses(count: number, path?: string): void;
}

/**
 * Live mode of the fake exchange: Kraken Futures' private endpoints (account, positions, orders, fills,
 * leverage) over a simulated account ({@link FakeAccount}), Kraken's request authentication, and the
 * account's scenario controls under `/_control/account`.
 */
export function createPrivateVenue(opts: PrivateVenueOptions = {}): PrivateVenue {
  let account: FakeAccount | null = null;
  let authenticated = false;
  const outage: OutageSwitch = { until: 0, lose: [] };
  return {
    async extension(app, ctx) {
      const creds =
        opts.credentials === undefined ? (ctx.credentials ?? credentialsFromEnv()) : opts.credentials;
      const auth =
        creds === null
          ? null
          : new KrakenAuthenticator(creds.apiKey, creds.apiSecret, { nonceTolerance: opts.nonceTolerance });
      authenticated = auth !== null;
      const acc = await FakeAccount.create(ctx, opts);
      account = acc;
      app.addHook('onRequest', async (req, reply) => {
        if (outage.until <= Date.now() || req.url.startsWith('/_control')) return;
        // a restarting venue: the connection is refused mid-request, as a load balancer would
        reply.hijack();
        req.raw.socket.destroy();
      });
      app.addHook('onSend', async (req, _reply, payload) => {
        const i = outage.lose.findIndex((p) => p === null || req.url.split('?')[0] === p);
        if (i >= 0 && isPrivatePath(req.url)) {
          outage.lose.splice(i, 1);
          req.raw.socket.destroy();
        }
        return payload;
      });
      registerPrivateRoutes(app, ctx, acc, auth);
      registerAccountControlRoutes(app, acc, outage);
    },
    get account() {
      if (account === null)
        throw new Error('the fake account exists once the server is ready: await server.ready()');
      return account;
    },
    get authenticated() {
      return authenticated;
    },
    restart(downMs: number) {
      outage.until = Date.now() + downMs;
    },
    loseResponses(count: number, path?: string) {
      for (let i = 0; i < count; i++) outage.lose.push(path ?? null);
    },
  };
}
