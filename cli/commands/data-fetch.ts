import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import type { FetchCandlesResult, FetchLogger } from '../../data/fetch/fetch-candles.ts';
import { parseSymbolList } from '../../data/symbols/symbols.ts';
import { TimeframeSchema } from '../../data/timeframes.ts';
import { defaultDbPath, parseDate, TIMEFRAME_HELP } from '../options.ts';
import { createProgress } from '../progress.ts';
import { action, formatZodError } from '../run-action.ts';

const FetchOptionsSchema = z.object({
  symbols: z.array(z.string()).min(1),
  timeframe: TimeframeSchema,
  since: z.number(),
  until: z.number().optional(),
  exchangeUrl: z.string().url('--exchange-url must be a URL such as http://127.0.0.1:8787').optional(),
  db: z.string().min(1, '--db needs a file path'),
  source: z.string().min(1),
  retries: z.coerce
    .number({ error: '--retries must be a number' })
    .int('--retries must be a whole number')
    .min(1, '--retries counts attempts per request: at least 1')
    .max(20, '--retries: at most 20 attempts'),
  full: z.boolean(),
  json: z.boolean(),
});

interface RawOptions {
  symbols?: string;
  timeframe?: string;
  since?: string;
  until?: string;
  exchangeUrl?: string;
  db?: string;
  source?: string;
  retries?: string;
  full?: boolean;
  json?: boolean;
}

/** `data` from cli/commands/data.ts (registered before this module), or a new one. */
function dataCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'data') ?? program.command('data');
}

export function register(program: Command): void {
  dataCommand(program)
    .command('fetch')
    .description(
      'download closed candles from Kraken Futures (ccxt krakenfutures) into the store; resumes after the last ' +
        'stored bar, retries network errors with backoff',
    )
    .requiredOption('--symbols <list>', 'comma-separated symbols, any form (BTC,ETH or PF_XBTUSD)')
    .option('--timeframe <tf>', TIMEFRAME_HELP, '15m')
    .requiredOption('--since <date>', 'first bar to fetch (YYYY-MM-DD, ISO time or epoch ms; UTC)')
    .option('--until <date>', 'stop before this bar open time (default: up to the last closed bar)')
    .option(
      '--exchange-url <url>',
      'talk to this origin instead of futures.kraken.com (e.g. smc fake-exchange)',
    )
    .option('--db <file>', 'candle store (DuckDB file)', defaultDbPath())
    .option('--source <src>', 'store source name for the downloaded candles', 'krakenfutures')
    .option('--retries <n>', 'attempts per request before giving up (exponential backoff between)', '5')
    .option('--full', 'refetch the whole range instead of resuming after the last stored bar')
    .option('--json', 'print a machine-readable summary')
    .action(action(async (raw: RawOptions) => run(raw)));
}

async function run(raw: RawOptions): Promise<void> {
  const parsed = FetchOptionsSchema.safeParse({
    symbols: raw.symbols === undefined ? [] : parseSymbolList(raw.symbols),
    timeframe: raw.timeframe ?? '15m',
    since: raw.since === undefined ? undefined : parseDate('--since', raw.since),
    until: raw.until === undefined ? undefined : parseDate('--until', raw.until),
    exchangeUrl: raw.exchangeUrl,
    db: raw.db ?? defaultDbPath(),
    source: raw.source ?? 'krakenfutures',
    retries: raw.retries ?? '5',
    full: raw.full ?? false,
    json: raw.json ?? false,
  });
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const o = parsed.data;
  if (o.until !== undefined && o.until <= o.since) throw new UserError('--since must be before --until');

  const { createKrakenFuturesClient } = await import('../../data/fetch/kraken-client.ts');
  const { fetchCandles, FetchInterruptedError } = await import('../../data/fetch/fetch-candles.ts');
  const { CandleStore } = await import('../../data/store/candle-store.ts');
  const { parseSource } = await import('../../data/store/source.ts');
  const source = parseSource(o.source);

  const exchange = createKrakenFuturesClient({ baseUrl: o.exchangeUrl });
  const store = await CandleStore.open(o.db);
  const progress = createProgress({ json: o.json });
  const log: FetchLogger = {
    info() {},
    warn(obj, msg) {
      progress.stop();
      process.stderr.write(`smc: ${msg} ${JSON.stringify(obj)}\n`);
    },
  };
  let started = false;
  let result: FetchCandlesResult;
  try {
    result = await fetchCandles({
      exchange,
      store,
      symbols: o.symbols,
      timeframe: o.timeframe,
      since: o.since,
      until: o.until,
      full: o.full,
      source,
      retry: { maxAttempts: o.retries },
      log,
      onProgress: (p) => {
        const total = p.barsTotal * p.symbols;
        const done = p.barsTotal * p.symbolIndex + p.barsDone;
        if (!started) {
          progress.start(total, `fetch ${o.timeframe}`);
          started = true;
        }
        progress.update(done);
      },
    });
  } catch (err) {
    progress.stop();
    if (err instanceof FetchInterruptedError && o.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: err.message, ...summaryJson(err.partial) })}\n`,
      );
    }
    throw err;
  } finally {
    progress.stop();
    await store.close();
  }

  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, db: o.db, ...summaryJson(result) })}\n`);
    return;
  }
  for (const s of result.symbols) {
    const resumed = s.resumedAfter === null ? '' : ` (resumed after ${iso(s.resumedAfter)})`;
    const last = s.lastStoredTs === null ? 'nothing new' : `up to ${iso(s.lastStoredTs)}`;
    process.stdout.write(
      `${s.symbol} ${result.timeframe}: ${s.rowsStored} rows stored, ${last}${resumed}; ${s.pages} requests, ${s.retries} retries\n`,
    );
  }
  process.stdout.write(`${result.rowsStored} rows into ${o.db} (source ${result.source})\n`);
}

const iso = (t: number) => new Date(t).toISOString();

function summaryJson(r: FetchCandlesResult) {
  return {
    source: r.source,
    timeframe: r.timeframe,
    rowsStored: r.rowsStored,
    pages: r.pages,
    retries: r.retries,
    symbols: r.symbols.map((s) => ({
      symbol: s.symbol,
      ccxtSymbol: s.ccxtSymbol,
      from: iso(s.fromTs),
      end: iso(s.endTs),
      resumedAfter: s.resumedAfter === null ? null : iso(s.resumedAfter),
      lastStored: s.lastStoredTs === null ? null : iso(s.lastStoredTs),
      rowsStored: s.rowsStored,
      pages: s.pages,
      retries: s.retries,
    })),
  };
}
