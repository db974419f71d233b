import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { parseSymbolList } from '../../data/symbols/symbols.ts';
import { TIMEFRAME_MS, type Timeframe, TimeframeSchema } from '../../data/timeframes.ts';
import { defaultDbPath, parseDate } from '../options.ts';
import { action, formatZodError } from '../run-action.ts';

/**
 * `smc live --config FILE [--paper] [--exchange-url URL]`: the live runner (live/runner) on Kraken Futures,
 * on a fake exchange at --exchange-url, or — `--paper` without a URL — on an in-process fake that replays
 * the candle store bar by bar, so a user can watch it trade on history. Secrets come from the environment
 * or `.env.local` (KRAKEN_FUTURES_API_KEY, KRAKEN_FUTURES_API_SECRET) and are never logged.
 */

const LiveFlags = z.object({
  config: z.string().min(1, '--config needs a file path'),
  paper: z.boolean().default(false),
  exchangeUrl: z.string().min(1).optional(),
  symbols: z.string().min(1).optional(),
  timeframe: TimeframeSchema.optional(),
  db: z.string().min(1),
  source: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  metricsPort: z.coerce.number().int().min(0).max(65_535).optional(),
  pollSeconds: z.coerce.number().positive('--poll-seconds must be > 0').default(60),
  delayMs: z.coerce.number().int().min(0).default(0),
  dotenv: z.string().min(1).default('.env.local'),
});
type LiveFlags = z.infer<typeof LiveFlags>;

export function register(program: Command): void {
  program
    .command('live')
    .description(
      'run the trader live on Kraken Futures (promoted configs only), on a fake exchange (--exchange-url), or on ' +
        'replayed history (--paper); one CYCLE_SUMMARY log line per tick; stops cleanly on SIGINT/SIGTERM',
    )
    .requiredOption(
      '--config <file>',
      'config to run: config/live/NAME.yaml from smc promote (or any config with --paper)',
    )
    .option(
      '--paper',
      'paper trading: replay the candle store on an in-process fake exchange (or use --exchange-url)',
    )
    .option('--exchange-url <url>', 'exchange origin instead of https://futures.kraken.com (a fake exchange)')
    .option('--symbols <list>', 'universe (default: the promoted run’s symbols)')
    .option('--timeframe <tf>', 'base timeframe (default: the promoted run’s)')
    .option('--db <file>', 'candle store the paper replay serves from', defaultDbPath())
    .option(
      '--source <name>',
      'candle source of the paper replay (default: krakenfutures, else any perpetual)',
    )
    .option(
      '--from <date>',
      'paper replay: first decision time (default: 30 days before the last stored bar)',
    )
    .option('--to <date>', 'paper replay: last decision time (default: the last stored bar)')
    .option('--store <file>', 'live store (default .local/live.duckdb, or .local/paper.duckdb with --paper)')
    .option('--metrics-port <n>', 'serve /healthz and Prometheus /metrics on this port')
    .option('--poll-seconds <s>', 'longest pause between ticks (live)', '60')
    .option('--delay-ms <ms>', 'paper replay: pause between bars', '0')
    .option('--dotenv <file>', 'environment file with the API keys', '.env.local')
    .addHelpText(
      'after',
      '\nExamples:\n  smc promote runs/backtest-abc --name majors && smc live --config config/live/majors.yaml\n' +
        '  smc live --config my.yaml --paper --symbols BTC,ETH --timeframe 1h --from 2023-06-01\n' +
        '  smc fake-exchange --port 8787 & smc live --config my.yaml --paper --exchange-url http://127.0.0.1:8787',
    )
    .action(action(async (raw: Record<string, unknown>) => run(raw)));
}

async function run(raw: Record<string, unknown>): Promise<void> {
  const parsed = LiveFlags.safeParse({ ...raw, db: raw.db ?? defaultDbPath() });
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const f = parsed.data;
  if (existsSync(f.dotenv)) process.loadEnvFile(f.dotenv);

  const { loadLiveConfig } = await import('../../live/promotion/promotion.ts');
  const { loadBacktestConfig } = await import('../backtest-run.ts');
  const live = loadLiveConfig(f.config, { paper: f.paper, loadPlain: (file) => loadBacktestConfig(file) });
  const symbols = f.symbols ? parseSymbolList(f.symbols) : (live.promotion?.symbols ?? null);
  if (symbols === null)
    throw new UserError('give --symbols (the config has no promotion record naming them)');
  const tf = f.timeframe ?? TimeframeSchema.safeParse(live.promotion?.base_timeframe).data;
  if (tf === undefined)
    throw new UserError('give --timeframe (the config has no promotion record naming it)');

  if (f.paper && f.exchangeUrl === undefined) return paperReplay(f, live.config, symbols, tf);
  const apiKey = process.env.KRAKEN_FUTURES_API_KEY;
  const secret = process.env.KRAKEN_FUTURES_API_SECRET;
  if (!apiKey || !secret) {
    throw new UserError(
      `KRAKEN_FUTURES_API_KEY and KRAKEN_FUTURES_API_SECRET must be set (environment or ${f.dotenv}; see .env.local.example)`,
    );
  }
  return wallClock(f, live.config, symbols, tf, { apiKey, secret });
}

type Config = import('../../engine/backtest/config.ts').BacktestConfig;

type DailyLoss = import('../../live/ops/index.ts').DailyLossRollover;

async function assemble(
  f: LiveFlags,
  storePath: string,
  clock: { now(): number },
  tf: Timeframe,
  dailyLoss: () => DailyLoss | null,
) {
  const { createLogger, Ops, statusFilePathFor, cycleReportFrom } = await import('../../live/ops/index.ts');
  const { LiveStore } = await import('../../live/store/live-store.ts');
  const logger = createLogger();
  const ops = new Ops({
    clock,
    logger,
    expectedIntervalMs: f.paper && f.exchangeUrl === undefined ? TIMEFRAME_MS[tf] : f.pollSeconds * 1000,
    metricsPort: f.metricsPort ?? null,
    statusFile: statusFilePathFor(storePath),
    dailyLoss,
  });
  const store = ops.observeStore(await LiveStore.open(storePath));
  return { logger, ops, store, cycleReportFrom };
}

async function wallClock(
  f: LiveFlags,
  config: Config,
  symbols: string[],
  tf: Timeframe,
  creds: { apiKey: string; secret: string },
): Promise<void> {
  const { KrakenFuturesBroker } = await import('../../live/kraken/broker.ts');
  const { exchangeCandleFeed } = await import('../../live/runner/candle-feed.ts');
  const { LiveRunner } = await import('../../live/runner/runner.ts');
  const { runLoop } = await import('../../live/runner/loop.ts');
  const clock = { now: () => Date.now() };
  const storePath = f.store ?? (f.paper ? '.local/paper.duckdb' : '.local/live.duckdb');
  let runnerRef: InstanceType<typeof LiveRunner> | null = null;
  const { logger, ops, store, cycleReportFrom } = await assemble(
    f,
    storePath,
    clock,
    tf,
    () => runnerRef?.riskManager?.dailyLoss ?? null,
  );
  const venue = KrakenFuturesBroker.create({
    baseUrl: f.exchangeUrl,
    apiKey: creds.apiKey,
    secret: creds.secret,
    logger,
  });
  const broker = ops.observeBroker(venue);
  const runner = new LiveRunner({
    config,
    symbols,
    baseTimeframe: tf,
    broker,
    candles: exchangeCandleFeed(venue.client),
    store,
    clock,
    logger: ops.engineLogger,
    onReconciled: (at) => ops.onReconciled(at),
  });
  runnerRef = runner;
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    logger.warn({ signal: sig }, 'Stop requested: finishing the current tick');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await ops.start();
    await runner.start();
    await runLoop(runner, {
      clock,
      signal: stop.signal,
      logger,
      baseTimeframe: tf,
      pollMs: f.pollSeconds * 1000,
      onCycle: (s, at) => ops.onCycle(cycleReportFrom(s, at)),
    });
    await runner.stop();
  } finally {
    await ops.stop();
    await store.close();
  }
}

async function paperReplay(f: LiveFlags, config: Config, symbols: string[], tf: Timeframe): Promise<void> {
  const { CandleStore } = await import('../../data/store/candle-store.ts');
  const { createFakeKrakenServer, storeCandleSource } = await import('../../live/kraken/fake/index.ts');
  const { createPrivateVenue } = await import('../../live/kraken/fake/private/index.ts');
  const { KrakenFuturesBroker } = await import('../../live/kraken/broker.ts');
  const { exchangeCandleFeed } = await import('../../live/runner/candle-feed.ts');
  const { LiveRunner } = await import('../../live/runner/runner.ts');
  const { runReplay } = await import('../../live/runner/loop.ts');

  const candles = await CandleStore.open(f.db, { readOnly: true });
  const source = storeCandleSource(candles, f.source);
  const stored = (await source.markets()).filter((m) => m.timeframe === tf && symbols.includes(m.symbol));
  const missing = symbols.filter((s) => !stored.some((m) => m.symbol === s));
  if (missing.length > 0) {
    await candles.close();
    throw new UserError(
      `no ${tf} candles of ${missing.join(', ')} in ${f.db}: import or fetch them, or fix --symbols/--timeframe`,
    );
  }
  const span = TIMEFRAME_MS[tf];
  let last = Number.NEGATIVE_INFINITY;
  for (const s of symbols) {
    const series = await source.read(s, tf, 0, Number.MAX_SAFE_INTEGER);
    if (series.length > 0) last = Math.max(last, series.ts[series.length - 1] + span);
  }
  const to = f.to === undefined ? last : parseDate('--to', f.to);
  const from = f.from === undefined ? to - 30 * 86_400_000 : parseDate('--from', f.from);
  if (!(from < to))
    throw new UserError(
      `--from must be before --to (${new Date(from).toISOString()} ≥ ${new Date(to).toISOString()})`,
    );

  let t = Math.ceil(from / span) * span;
  const clock = { now: () => t, set: (v: number) => (t = v) };
  // a throw-away key pair: the in-process venue and the runner agree on it, nothing leaves the process
  const creds = {
    apiKey: `paper-${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(48).toString('base64'),
  };
  const venue = createPrivateVenue({ sim: config.sim });
  const server = createFakeKrakenServer({
    candles: source,
    now: () => t,
    credentials: creds,
    extensions: [venue.extension],
  });
  const url = await server.start();
  const storePath = f.store ?? '.local/paper.duckdb';
  let runnerRef: InstanceType<typeof LiveRunner> | null = null;
  const { logger, ops, store, cycleReportFrom } = await assemble(
    f,
    storePath,
    clock,
    tf,
    () => runnerRef?.riskManager?.dailyLoss ?? null,
  );
  const exchange = KrakenFuturesBroker.create({
    baseUrl: url,
    apiKey: creds.apiKey,
    secret: creds.apiSecret,
    logger,
    now: clock.now,
  });
  const runner = new LiveRunner({
    config,
    symbols,
    baseTimeframe: tf,
    broker: ops.observeBroker(exchange),
    candles: exchangeCandleFeed(exchange.client, f.source ?? 'paper'),
    store,
    clock,
    logger: ops.engineLogger,
    onReconciled: (at) => ops.onReconciled(at),
  });
  runnerRef = runner;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  logger.info(
    {
      url,
      symbols,
      timeframe: tf,
      from: new Date(t).toISOString(),
      to: new Date(to).toISOString(),
      store: storePath,
    },
    'PAPER replay on an in-process fake exchange',
  );
  try {
    await ops.start();
    await runner.start();
    const ticks = await runReplay(runner, {
      clock,
      signal: stop.signal,
      logger,
      baseTimeframe: tf,
      until: to,
      delayMs: f.delayMs,
      onCycle: (s, at) => ops.onCycle(cycleReportFrom(s, at)),
    });
    await runner.stop();
    const acct = await exchange.account();
    const trades = await store.trades();
    process.stdout.write(
      `paper replay: ${ticks} bars, ${trades.length} closed trades, equity ${acct.equity.toFixed(2)} (store ${storePath})\n`,
    );
  } finally {
    await ops.stop();
    await store.close();
    await server.stop();
    await candles.close();
  }
}
