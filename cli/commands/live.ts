import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
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
 * `smc live --clear-halt` lifts a halt persisted in the live store, for the next run.
 */

const LiveFlags = z
  .object({
    config: z.string().min(1, '--config needs a file path').optional(),
    clearHalt: z.boolean().default(false),
    paper: z.boolean().default(false),
    exchangeUrl: z.string().min(1).optional(),
    symbols: z.string().min(1).optional(),
    universe: z.string().min(1, '--universe needs symbols (BTC,ETH,…) or a YAML file').optional(),
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
  })
  .superRefine((f, ctx) => {
    if (!f.clearHalt && f.config === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['--config'],
        message: 'required: config/live/NAME.yaml from smc promote (or any config with --paper)',
      });
    }
  });
type LiveFlags = z.infer<typeof LiveFlags>;

export function register(program: Command): void {
  program
    .command('live')
    .description(
      'run the trader live on Kraken Futures (promoted configs only), on a fake exchange (--exchange-url), or on ' +
        'replayed history (--paper); one CYCLE_SUMMARY log line per tick; stops cleanly on SIGINT/SIGTERM',
    )
    .option(
      '--config <file>',
      'config to run: config/live/NAME.yaml from smc promote (or any config with --paper); required unless --clear-halt',
    )
    .option(
      '--clear-halt',
      'lift the halt (kill switch) persisted in the live store, then exit; the runner must be stopped',
    )
    .option(
      '--paper',
      'paper trading: replay the candle store on an in-process fake exchange (or use --exchange-url)',
    )
    .option('--exchange-url <url>', 'exchange origin instead of https://futures.kraken.com (a fake exchange)')
    .option(
      '--symbols <list>',
      'symbols to trade, pinned Tier A (default: the promoted run’s symbols); with --universe, extra pinned candidates',
    )
    .option(
      '--universe <list|file>',
      'candidate symbols the MarketRegistry picks the universe from every 4 h (tier filters, majors pinned, ' +
        'shrink protection): BTC,ETH,… or a YAML file (a list, or candidate_symbols: + market_registry:)',
    )
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
    .option(
      '--store <file>',
      'live store (default .local/live.duckdb or $SMC_LIVE_STORE, .local/paper.duckdb with --paper)',
    )
    .option('--metrics-port <n>', 'serve /healthz and Prometheus /metrics on this port')
    .option('--poll-seconds <s>', 'longest pause between ticks (live)', '60')
    .option('--delay-ms <ms>', 'paper replay: pause between bars', '0')
    .option('--dotenv <file>', 'environment file with the API keys', '.env.local')
    .addHelpText(
      'after',
      '\nExamples:\n  smc promote runs/backtest-abc --name majors && smc live --config config/live/majors.yaml\n' +
        '  smc live --config my.yaml --paper --symbols BTC,ETH --timeframe 1h --from 2023-06-01\n' +
        '  smc fake-exchange --port 8787 & smc live --config my.yaml --paper --exchange-url http://127.0.0.1:8787\n' +
        '  smc live --config config/live/majors.yaml --universe config/universe.yaml\n' +
        '  smc live --clear-halt            # after reading why it halted (smc status)',
    )
    .action(action(async (raw: Record<string, unknown>) => run(raw)));
}

async function run(raw: Record<string, unknown>): Promise<void> {
  const parsed = LiveFlags.safeParse({ ...raw, db: raw.db ?? defaultDbPath() });
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const f = parsed.data;
  if (f.clearHalt) return clearHalt(f);
  if (f.config === undefined) throw new UserError('--config: required (see smc live --help)');
  if (existsSync(f.dotenv)) process.loadEnvFile(f.dotenv);

  const { loadLiveConfig } = await import('../../live/promotion/promotion.ts');
  const { loadBacktestConfig } = await import('../backtest-run.ts');
  const live = loadLiveConfig(f.config, { paper: f.paper, loadPlain: (file) => loadBacktestConfig(file) });
  const explicit = f.symbols ? parseSymbolList(f.symbols) : null;
  let symbols: string[];
  let universe: Universe = {};
  if (f.universe !== undefined) {
    const { parseUniverseOption } = await import('../../live/runner/universe-option.ts');
    const choice = parseUniverseOption(f.universe, explicit ?? []);
    symbols = choice.candidates;
    universe = { registry: choice.registry };
  } else {
    const given = explicit ?? live.promotion?.symbols ?? null;
    if (given === null)
      throw new UserError('give --symbols or --universe (the config has no promotion record naming symbols)');
    symbols = given;
  }
  const tf = f.timeframe ?? TimeframeSchema.safeParse(live.promotion?.base_timeframe).data;
  if (tf === undefined)
    throw new UserError('give --timeframe (the config has no promotion record naming it)');

  if (f.paper && f.exchangeUrl === undefined) return paperReplay(f, live.config, symbols, tf, universe);
  const apiKey = process.env.KRAKEN_FUTURES_API_KEY;
  const secret = process.env.KRAKEN_FUTURES_API_SECRET;
  if (!apiKey || !secret) {
    throw new UserError(
      `KRAKEN_FUTURES_API_KEY and KRAKEN_FUTURES_API_SECRET must be set (environment or ${f.dotenv}; see .env.local.example)`,
    );
  }
  return wallClock(f, live.config, symbols, tf, { apiKey, secret }, universe);
}

type Config = import('../../engine/backtest/config.ts').BacktestConfig;

type DailyLoss = import('../../live/ops/index.ts').DailyLossRollover;

type Universe = NonNullable<import('../../live/runner/runner.ts').LiveRunnerOptions['universe']>;

/** The live store of a wall-clock run: --store, else the paper store with --paper, else $SMC_LIVE_STORE (as smc status). */
async function storePathOf(f: LiveFlags): Promise<string> {
  const { defaultLiveStorePath } = await import('../../live/ops/status-file.ts');
  return f.store ?? (f.paper ? '.local/paper.duckdb' : defaultLiveStorePath());
}

async function assemble(
  f: LiveFlags,
  storePath: string,
  clock: { now(): number },
  tf: Timeframe,
  dailyLoss: () => DailyLoss | null,
) {
  const { createLogger, Ops, statusFilePathFor, cycleReportFrom, liveStoreTrades } = await import(
    '../../live/ops/index.ts'
  );
  const { LiveStore } = await import('../../live/store/live-store.ts');
  const logger = createLogger();
  // the store first: /trades and the daily summary read the trades of earlier runs from it
  const raw = await LiveStore.open(storePath);
  try {
    const ops = new Ops({
      clock,
      logger,
      expectedIntervalMs: f.paper && f.exchangeUrl === undefined ? TIMEFRAME_MS[tf] : f.pollSeconds * 1000,
      metricsPort: f.metricsPort ?? null,
      statusFile: statusFilePathFor(storePath),
      trades: liveStoreTrades(raw),
      dailyLoss,
    });
    return { logger, ops, store: ops.observeStore(raw), cycleReportFrom };
  } catch (err) {
    await raw.close();
    throw err;
  }
}

/** `smc live --clear-halt`: SafetySupervisor.clearManually on the persisted halt, with a confirmation line. */
async function clearHalt(f: LiveFlags): Promise<void> {
  const { LiveStore } = await import('../../live/store/live-store.ts');
  const { clearStoredHalt } = await import('../../live/runner/clear-halt.ts');
  const { createLogger, statusFilePathFor } = await import('../../live/ops/index.ts');
  const { default: pino } = await import('pino');
  const path = await storePathOf(f);
  if (!existsSync(path))
    throw new UserError(`--clear-halt: no live store at '${path}' (give --store FILE, or --paper)`);
  // the audit line ("Kill switch cleared", by: manual) goes to stderr, the confirmation to stdout
  const logger = createLogger({ destination: pino.destination({ dest: 2, sync: true }) });
  const store = await LiveStore.open(path);
  let cleared: Awaited<ReturnType<typeof clearStoredHalt>>;
  try {
    cleared = await clearStoredHalt(store, Date.now(), logger);
  } finally {
    await store.close();
  }
  if (cleared === null) {
    process.stdout.write(`no halt in ${path}: nothing to clear\n`);
    return;
  }
  // the last run's status file still says HALTED: smc status falls back to the store until the next run
  await rm(statusFilePathFor(path), { force: true });
  const since = cleared.activatedAt === null ? '' : ` since ${new Date(cleared.activatedAt).toISOString()}`;
  process.stdout.write(
    `cleared the ${cleared.reason ?? 'unknown'} halt${since}${cleared.detail ? ` (${cleared.detail})` : ''} in ${path}: ` +
      'the next smc live on this store trades again (if the cause is still there, it halts again)\n',
  );
}

async function wallClock(
  f: LiveFlags,
  config: Config,
  symbols: string[],
  tf: Timeframe,
  creds: { apiKey: string; secret: string },
  universe: Universe,
): Promise<void> {
  const { KrakenFuturesBroker } = await import('../../live/kraken/broker.ts');
  const { exchangeCandleFeed } = await import('../../live/runner/candle-feed.ts');
  const { LiveRunner } = await import('../../live/runner/runner.ts');
  const { runLoop } = await import('../../live/runner/loop.ts');
  const clock = { now: () => Date.now() };
  const storePath = await storePathOf(f);
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
    universe,
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

async function paperReplay(
  f: LiveFlags,
  config: Config,
  symbols: string[],
  tf: Timeframe,
  universe: Universe,
): Promise<void> {
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
  // with --universe, candidates without candles are simply not listed by the replay's venue
  if (f.universe === undefined ? missing.length > 0 : missing.length === symbols.length) {
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
    universe,
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
