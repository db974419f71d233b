import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { CHARTS_PREFIX, isPrivatePath, PUBLIC_PREFIX } from '../api/paths.ts';
import { serverTime } from '../api/schema/common.ts';
import { type CandleSource, clockedCandleSource } from './candle-source.ts';
import { type FaultConfigInput, FaultInjector, type RouteKind } from './faults.ts';
import { registerChartRoutes } from './routes/charts.ts';
import { registerControlRoutes } from './routes/control.ts';
import { registerPublicRoutes } from './routes/public.ts';
import { type InstrumentSpec, VenueState } from './venue-state.ts';

/** API credentials the fake accepts on private endpoints (live mode). The secret is base64, as Kraken issues it. */
export interface FakeCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface FakeKrakenServerOptions {
  candles: CandleSource;
  /** The fake's clock (UTC ms). Default: the wall clock. Replays pass a simulated one. */
  now?: () => number;
  instruments?: readonly InstrumentSpec[];
  /** Default quoted spread for tickers, in basis points. */
  spreadBps?: number;
  faults?: FaultConfigInput;
  /** Stored for the private endpoints live mode adds; public endpoints ignore them. */
  credentials?: FakeCredentials;
  /** More routes on the same app (live mode: private endpoints, matching engine). */
  extensions?: ReadonlyArray<(app: FastifyInstance, ctx: FakeVenueContext) => void | Promise<void>>;
}

/** What every route of the fake shares. */
export interface FakeVenueContext {
  /** The candle source at the fake's clock ({@link clockedCandleSource}): the forming bar only as formed so far. */
  readonly candles: CandleSource;
  readonly venue: VenueState;
  readonly faults: FaultInjector;
  readonly now: () => number;
  readonly credentials: FakeCredentials | null;
}

export interface FakeKrakenServer {
  readonly app: FastifyInstance;
  readonly ctx: FakeVenueContext;
  readonly faults: FaultInjector;
  /** Registers every route (extensions included) without listening: for `app.inject` tests. */
  ready(): Promise<void>;
  /** Listens on 127.0.0.1 (port 0 = a free one) and returns the origin, e.g. `http://127.0.0.1:41234`. */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  /** The origin once started. */
  readonly url: string | null;
}

/** Kraken's error body for a public endpoint. */
export function krakenError(error: string, now: number) {
  return { result: 'error' as const, error, serverTime: serverTime(now) };
}

function routeKind(url: string): RouteKind | null {
  if (url.startsWith('/_control')) return null;
  if (url.startsWith(CHARTS_PREFIX)) return 'charts';
  if (isPrivatePath(url)) return 'private';
  if (url.startsWith(PUBLIC_PREFIX)) return 'public';
  return 'private';
}

/**
 * A local Kraken Futures: the public REST endpoints ccxt `krakenfutures` uses (instruments, tickers,
 * charts), on the real paths and with the real response shapes (live/kraken/api/schema), served from a
 * candle source at the fake's clock, plus a fault-injection control API under `/_control`.
 *
 * Point an unmodified ccxt client at it with `createKrakenFuturesClient({ baseUrl })`
 * (data/fetch/kraken-client.ts), which swaps the origin of every `urls.api` entry and keeps the paths.
 */
export function createFakeKrakenServer(opts: FakeKrakenServerOptions): FakeKrakenServer {
  const now = opts.now ?? (() => Date.now());
  const faults = new FaultInjector(opts.faults);
  // every route and extension sees the candles as they stand at the fake's clock (no forming-bar lookahead)
  const candles = clockedCandleSource(opts.candles, now);
  const venue = new VenueState(candles, now, opts.instruments, opts.spreadBps);
  const ctx: FakeVenueContext = {
    candles,
    venue,
    faults,
    now,
    credentials: opts.credentials ?? null,
  };
  const app = Fastify({ logger: false, forceCloseConnections: true });

  // Faults run before routing so they hit unknown paths too, the way a failing load balancer would.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const kind = routeKind(req.url);
    if (kind === null) return;
    const delay = faults.latencyFor(kind);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const d = faults.decide(kind);
    if (d.kind === 'pass') return;
    if (d.mode === 'drop') {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    // the error codes Kraken sends with these statuses, as ccxt's exception table knows them
    const code = d.status === 429 ? 'apiLimitExceeded' : d.status >= 500 ? 'Unavailable' : 'Bad Request';
    return reply.code(d.status).send(krakenError(code, now()));
  });

  registerPublicRoutes(app, ctx);
  registerChartRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(krakenError('Not Found', now()));
  });
  app.setErrorHandler<FastifyError>((err, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    // a bug in the fake must be visible, not just a 500 the client retries
    if (status >= 500)
      process.stderr.write(`fake exchange: ${req.method} ${req.url} failed: ${err.stack ?? err.message}\n`);
    reply.code(status).send(krakenError(status >= 500 ? 'Server Error' : 'Bad Request', now()));
  });

  const ready = (async () => {
    for (const ext of opts.extensions ?? []) await ext(app, ctx);
  })();

  let url: string | null = null;
  return {
    app,
    ctx,
    faults,
    get url() {
      return url;
    },
    async ready() {
      await ready;
      await app.ready();
    },
    async start(port = 0, host = '127.0.0.1') {
      await ready;
      await app.listen({ port, host });
      const addr = app.server.address() as AddressInfo;
      url = `http://${host}:${addr.port}`;
      return url;
    },
    async stop() {
      await app.close();
      url = null;
    },
  };
}
