import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { defaultDbPath } from '../options.ts';
import { action, formatZodError } from '../run-action.ts';

const FakeExchangeOptionsSchema = z
  .object({
    port: z.coerce
      .number({ error: '--port must be a number' })
      .int('--port must be a whole number')
      .min(0, '--port must be 0–65535 (0 picks a free port)')
      .max(65_535, '--port must be 0–65535 (0 picks a free port)'),
    host: z.string().min(1),
    db: z.string().min(1, '--db needs a file path'),
    source: z.string().min(1).optional(),
    apiKey: z.string().min(1, '--api-key must not be empty').optional(),
    apiSecret: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, '--api-secret must be base64, as Kraken issues it')
      .optional(),
    json: z.boolean().default(false),
  })
  .refine((o) => (o.apiKey === undefined) === (o.apiSecret === undefined), {
    message: 'give both --api-key and --api-secret, or neither',
    path: ['--api-secret'],
  });

interface RawOptions {
  port?: string;
  host?: string;
  db?: string;
  source?: string;
  apiKey?: string;
  apiSecret?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('fake-exchange')
    .description(
      'serve a local Kraken Futures (instruments, tickers, charts OHLC on the real API paths) from the candle store, ' +
        'for tests, demos and paper trading; point clients at the printed URL (smc data fetch --exchange-url URL)',
    )
    .option('--port <n>', 'port to listen on (0 = a free one)', '8787')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'candle store to serve from (opened read-only)', defaultDbPath())
    .option(
      '--source <src>',
      'store source to serve (default: krakenfutures, else binance-usdm-perp, else synthetic)',
    )
    .option('--api-key <key>', 'API key private endpoints will accept (live mode)')
    .option('--api-secret <secret>', 'base64 API secret private endpoints will accept (live mode)')
    .option('--json', 'print one JSON line {url, port, instruments} when listening')
    .addHelpText(
      'after',
      '\nControl API (tests): GET /_control/stats, GET|PUT /_control/faults {latencyMs, failNext, failAfter, ' +
        "failMode: 'status'|'drop', errorStatus, scope: 'all'|'public'|'charts'|'private'}, POST /_control/reset.\n" +
        'Runs until SIGINT or SIGTERM.',
    )
    .action(action(async (raw: RawOptions) => serve(raw)));
}

async function serve(raw: RawOptions): Promise<void> {
  const parsed = FakeExchangeOptionsSchema.safeParse({
    ...raw,
    port: raw.port ?? '8787',
    host: raw.host ?? '127.0.0.1',
    db: raw.db ?? defaultDbPath(),
  });
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const o = parsed.data;
  // heavy modules load only when the command runs, so other commands start fast
  const { CandleStore } = await import('../../data/store/candle-store.ts');
  const { createFakeKrakenServer, storeCandleSource } = await import('../../live/kraken/fake/index.ts');
  const { createPrivateVenue } = await import('../../live/kraken/fake/private/index.ts');

  const store = await CandleStore.open(o.db, { readOnly: true });
  const candles = storeCandleSource(store, o.source);
  const markets = await candles.markets();
  if (markets.length === 0) {
    await store.close();
    throw new UserError(
      `database '${o.db}' has no candles${o.source ? ` from source '${o.source}'` : ''} to serve: ` +
        'import or fetch some first (smc data import, smc demo), or fix --db/--source',
    );
  }
  // private endpoints (live/paper mode): keys from the flags, else the environment, else open (unsigned)
  const privateVenue = createPrivateVenue();
  const server = createFakeKrakenServer({
    candles,
    credentials: o.apiKey && o.apiSecret ? { apiKey: o.apiKey, apiSecret: o.apiSecret } : undefined,
    extensions: [privateVenue.extension],
  });
  let url: string;
  try {
    url = await server.start(o.port, o.host);
  } catch (err) {
    await store.close();
    throw new UserError(
      `cannot listen on ${o.host}:${o.port}: ${(err as Error).message} (pick another --port)`,
    );
  }
  const instruments = await server.ctx.venue.list();
  const port = Number(new URL(url).port);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ url, port, instruments: instruments.map((i) => i.id) })}\n`);
  } else {
    process.stdout.write(
      `fake Kraken Futures listening on ${url} — ${instruments.length} perpetuals ` +
        `(${instruments.map((i) => i.id).join(', ')}) from ${o.db}\n` +
        `  e.g. smc data fetch --exchange-url ${url} --symbols ${instruments[0]?.symbol ?? 'BTC'} --since 2024-01-01\n` +
        `  private endpoints: ${privateVenue.authenticated ? 'signed requests only' : 'OPEN (no --api-key/--api-secret or KRAKEN_FUTURES_API_KEY/SECRET given)'}\n`,
    );
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`fake exchange: ${signal}, stopping\n`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.stop();
  await store.close();
}
