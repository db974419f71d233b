import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CandleSeries } from '../../data/candles/series.ts';
import { createKrakenFuturesClient } from '../../data/fetch/kraken-client.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import type { BacktestConfig } from '../../engine/backtest/config.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { AlerterStats } from '../../live/alerts/alerter.ts';
import { alertSettingsFromEnv } from '../../live/alerts/config.ts';
import type { AlertSink } from '../../live/alerts/sink.ts';
import { sinksFromSettings } from '../../live/alerts/sinks/index.ts';
import { KrakenFuturesBroker } from '../../live/kraken/broker.ts';
import { memoryCandleSource } from '../../live/kraken/fake/candle-source.ts';
import { createPrivateVenue } from '../../live/kraken/fake/private/index.ts';
import { createFakeKrakenServer } from '../../live/kraken/fake/server.ts';
import type { InstrumentSpec } from '../../live/kraken/fake/venue-state.ts';
import { cycleReportFrom, liveStoreTrades, Ops } from '../../live/ops/index.ts';
import { exchangeCandleFeed } from '../../live/runner/candle-feed.ts';
import { runReplay } from '../../live/runner/loop.ts';
import { LiveRunner } from '../../live/runner/runner.ts';
import { LiveStore } from '../../live/store/live-store.ts';
import { API_KEY, API_SECRET } from './fake-kit.ts';

/**
 * A paper run with its operations layer, assembled as `smc live --paper` assembles it (cli/commands/live.ts
 * `paperReplay`): the live runner against the fake Kraken Futures replaying candles bar by bar, the ops
 * layer wrapping its broker, store and logger, alerts configured from the environment and delivered to a
 * local webhook. Used by the "sink down" test (test/live/alerts-sink-paper.test.ts) and bench
 * (bench/alerts-sink.bench.ts): the same bars with the sink up and down.
 */

/** `up`: every POST answered 200. `down`: every other POST hangs until the client times out, the rest 503. */
export type SinkMode = 'up' | 'down';

export interface AlertSinkFake {
  readonly url: string;
  /** POSTs received (answered or not). */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** A local alert webhook that is up, or down the two ways a real one goes down (timeouts and 5xx). */
export async function startAlertSinkFake(mode: SinkMode): Promise<AlertSinkFake> {
  let n = 0;
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  app.post('/hook', async (_req, reply) => {
    n++;
    if (mode === 'up') return reply.code(200).send({ ok: true });
    if (n % 2 === 1) return reply; // never answered: the client's timeout ends it
    return reply.code(503).send({ error: 'service unavailable' });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, requests: () => n, close: () => app.close() };
}

export interface PaperOpsRunOptions {
  series: CandleSeries[];
  config: BacktestConfig;
  /** First decision time (a bar boundary). */
  from: number;
  /** Last decision time. */
  until: number;
  /** Start of the candle history the runner loads (the strategies' warm-up). */
  historyFrom: number;
  instruments?: InstrumentSpec[];
  /** `ALERT_WEBHOOK_URL` and the rest of the alert environment (live/alerts/config.ts). */
  alertEnv: Readonly<Record<string, string>>;
  /** Per-attempt sink timeout (production: 10 s). */
  sinkTimeoutMs?: number;
  /** Replaces the sinks the environment would build. */
  sinks?: readonly AlertSink[];
  /** The replay's follow-up tick after each boundary (live/runner/loop.ts `runReplay`; default 60 s). */
  pollMs?: number;
}

export interface PaperOpsRun {
  /** Wall time of each cycle as the loop sees it: the tick plus the ops work after it (ms). */
  readonly wallMs: number[];
  /** Process CPU time (user + system) of each cycle (ms); the fake exchange runs in this process too. */
  readonly cpuMs: number[];
  /** Every order action, in order: time, action, symbol, side, qty, price, client id, outcome. */
  readonly actions: string[];
  /** Closed trades: symbol, side, entry → exit, qty, prices, exit reason, net P&L. */
  readonly trades: string[];
  /** `/metrics` at the end of the replay (the sink still failing), and after the alerter closed. */
  readonly metrics: { readonly atEnd: string; readonly afterClose: string };
  readonly stats: AlerterStats;
  readonly logger: RecordingLogger;
  /** Bars replayed (each has a boundary tick and a follow-up tick unless `pollMs` is 0). */
  readonly cycles: number;
  /** Intents as stored, for timing checks. */
  readonly intents: ReadonlyArray<{ ts: number; actionType: string; clientId: string | null }>;
}

/** Sum of the samples of a Prometheus text page whose line starts with `prefix`. */
export function metricSum(page: string, prefix: string): number {
  return page
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export async function runPaperWithOps(o: PaperOpsRunOptions): Promise<PaperOpsRun> {
  const base = o.series[0].timeframe;
  const span = TIMEFRAME_MS[base];
  let t = o.from;
  const clock = { now: () => t, set: (v: number) => (t = v) };
  const logger = new RecordingLogger();
  const venue = createPrivateVenue({ sim: o.config.sim });
  const server = createFakeKrakenServer({
    candles: memoryCandleSource(o.series),
    now: () => t,
    instruments: o.instruments,
    credentials: { apiKey: API_KEY, apiSecret: API_SECRET },
    extensions: [venue.extension],
  });
  const url = await server.start();
  const raw = await LiveStore.open(':memory:');
  let runner: LiveRunner | null = null;
  const settings = alertSettingsFromEnv(o.alertEnv);
  const ops = new Ops({
    clock,
    logger,
    settings,
    sinks: o.sinks ?? sinksFromSettings(settings, o.sinkTimeoutMs),
    expectedIntervalMs: span,
    metricsPort: 0,
    processMetrics: false,
    dailySummaryPollMs: 0,
    trades: liveStoreTrades(raw),
    dailyLoss: () => runner?.riskManager?.dailyLoss ?? null,
  });
  const store = ops.observeStore(raw);
  try {
    const exchange = new KrakenFuturesBroker({
      client: createKrakenFuturesClient({ baseUrl: url, apiKey: API_KEY, secret: API_SECRET }),
      now: clock.now,
      retry: { attempts: 3, baseDelayMs: 0 },
    });
    runner = new LiveRunner({
      config: o.config,
      symbols: o.series.map((s) => s.symbol),
      baseTimeframe: base,
      broker: ops.observeBroker(exchange),
      candles: exchangeCandleFeed(exchange.client, 'paper'),
      store,
      clock,
      logger: ops.engineLogger,
      historyFrom: o.historyFrom,
      // as the parity test: reconciliation is exercised by the scenario tests, not the replay
      reconcileEveryMs: Number.POSITIVE_INFINITY,
      onReconciled: (at) => ops.onReconciled(at),
    });
    await ops.start();
    await runner.start();
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    let w0 = performance.now();
    let c0 = process.cpuUsage();
    const cycles = await runReplay(runner, {
      clock,
      signal: new AbortController().signal,
      logger,
      baseTimeframe: base,
      until: o.until,
      ...(o.pollMs === undefined ? {} : { pollMs: o.pollMs }),
      onCycle: (s, at) => {
        ops.onCycle(cycleReportFrom(s, at));
        const w1 = performance.now();
        const c1 = process.cpuUsage(c0);
        wallMs.push(w1 - w0);
        cpuMs.push((c1.user + c1.system) / 1000);
        w0 = w1;
        c0 = process.cpuUsage();
      },
    });
    await runner.stop();
    const metricsUrl = `${ops.serverUrl}/metrics`;
    const atEnd = await (await fetch(metricsUrl)).text();
    await ops.alerter.close(0);
    const afterClose = await (await fetch(metricsUrl)).text();
    const intents = await raw.intents();
    const trades = await raw.trades();
    return {
      wallMs,
      cpuMs,
      actions: intents.map(
        (i) =>
          `${new Date(i.ts).toISOString()} ${i.actionType} ${i.symbol} ${i.side} qty=${i.qty ?? ''} ` +
          `px=${i.price ?? ''} ${i.clientId ?? ''} ${i.status} ${i.resultOrderId ?? ''}`,
      ),
      trades: trades.map(
        (x) =>
          `${x.symbol} ${x.side} ${new Date(x.entryTs).toISOString()} → ${new Date(x.exitTs).toISOString()} ` +
          `qty=${x.qty} ${x.entryPrice}→${x.exitPrice} ${x.exitReason} net=${x.netPnl}`,
      ),
      metrics: { atEnd, afterClose },
      stats: ops.alerter.stats(),
      logger,
      cycles,
      intents: intents.map((i) => ({ ts: i.ts, actionType: i.actionType, clientId: i.clientId })),
    };
  } finally {
    await ops.stop(0);
    await raw.close();
    await server.stop();
  }
}
