import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { importCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import type { TradeRecord } from '../../engine/metrics/trade-record.ts';
import { readStatusFile, statusFilePathFor } from '../../live/ops/status-file.ts';
import { LiveStore } from '../../live/store/live-store.ts';

/**
 * Acceptance (issue "Operations", last point): `smc live --paper --exchange-url URL --metrics-port N`
 * against `smc fake-exchange`, both real CLI processes, serves `/healthz` 200 and a `/metrics` page whose
 * cycle count matches the CYCLE_SUMMARY lines the runner logged. The ops layer reads closed trades from
 * the live store, so a trade of an earlier run shows in what it reports (the status file here).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/smc.mjs');
const API_KEY = 'cli-acceptance-key';
const API_SECRET = Buffer.from('cli-acceptance-secret-for-the-fake').toString('base64');

let dir: string;
let db: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smc-live-cli-'));
  db = join(dir, 'candles.duckdb');
  const store = await CandleStore.open(db);
  try {
    await importCandleFile(store, `${BUNDLED_SAMPLE_DIR}binance-usdm-perp/BTCUSDT_1h.parquet`);
  } finally {
    await store.close();
  }
});

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A CLI process whose output is collected line by line. */
function smc(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, SMC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out: string[] = [];
  let err = '';
  let partial = '';
  child.stdout?.on('data', (b) => {
    const parts = (partial + String(b)).split('\n');
    partial = parts.pop() ?? '';
    out.push(...parts);
  });
  child.stderr?.on('data', (b) => {
    err += String(b);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return { child, out, stderr: () => err, exit };
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cycleLines = (out: readonly string[]) => out.filter((l) => l.includes('CYCLE_SUMMARY cycle='));

function metric(page: string, name: string): number | null {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(page);
  return m ? Number(m[1]) : null;
}

describe('smc live --paper --exchange-url against smc fake-exchange (two CLI processes)', () => {
  it('serves /healthz 200 and /metrics whose cycle count matches the CYCLE_SUMMARY lines', async () => {
    const fake = smc([
      'fake-exchange',
      '--port',
      '0',
      '--db',
      db,
      '--json',
      '--api-key',
      API_KEY,
      '--api-secret',
      API_SECRET,
    ]);
    const { url } = await waitFor('the fake exchange to listen', () => {
      const line = fake.out.find((l) => l.startsWith('{'));
      return line === undefined ? undefined : (JSON.parse(line) as { url: string });
    });

    // a trade closed by an earlier run on the same store
    const storePath = join(dir, 'paper.duckdb');
    const earlier: TradeRecord = {
      strategyId: 'smc',
      symbol: 'BTC',
      side: 'long',
      entryTs: Date.UTC(2023, 5, 1, 8),
      exitTs: Date.UTC(2023, 5, 1, 14),
      entryPrice: '27000',
      exitPrice: '27400',
      qty: '0.1',
      fees: '1.2',
      funding: '0',
      pnl: '40',
      netPnl: '38.8',
      exitReason: 'take_profit',
    };
    const seeded = await LiveStore.open(storePath);
    await seeded.recordTrade(earlier);
    await seeded.close();

    const cfg = join(dir, 'paper.yaml');
    writeFileSync(cfg, 'backtest:\n  trace: none\n');
    const live = smc(
      [
        'live',
        '--config',
        cfg,
        '--paper',
        '--exchange-url',
        url,
        '--metrics-port',
        '0',
        '--symbols',
        'BTC',
        '--timeframe',
        '1h',
        '--store',
        storePath,
        '--poll-seconds',
        '1',
        '--dotenv',
        join(dir, 'none.env'),
      ],
      { KRAKEN_FUTURES_API_KEY: API_KEY, KRAKEN_FUTURES_API_SECRET: API_SECRET },
    );
    const opsUrl = await waitFor('the ops server', () => {
      const line = live.out.find((l) => l.includes('"Ops server listening"'));
      return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
    });
    await waitFor('three ticks', () => (cycleLines(live.out).length >= 3 ? true : undefined));

    const health = await fetch(`${opsUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');

    // the line is logged before the tick is counted: read the page, let the lines arrive, read it again,
    // and take a reading where no tick fell in between (ticks are a second apart)
    const reading = await waitFor('a reading between two ticks', async () => {
      const before = await (await fetch(`${opsUrl}/metrics`)).text();
      await new Promise((r) => setTimeout(r, 150));
      const lines = cycleLines(live.out);
      const after = await (await fetch(`${opsUrl}/metrics`)).text();
      const n = metric(before, 'smc_cycles_total');
      return n !== null && n === metric(after, 'smc_cycles_total') && n === lines.length
        ? { page: before, lines }
        : undefined;
    });
    const cycles = metric(reading.page, 'smc_cycles_total');
    expect(cycles).toBeGreaterThanOrEqual(3);
    expect(reading.lines).toHaveLength(cycles ?? -1);
    expect(reading.lines.at(-1)).toContain(`CYCLE_SUMMARY cycle=${cycles} `);
    // the gauges say what the last line says
    const last = JSON.parse(reading.lines.at(-1) ?? '{}') as { universe: number; positions: number };
    expect([last.universe, last.positions]).toEqual([1, 0]);
    expect(metric(reading.page, 'smc_universe_size')).toBe(last.universe);
    expect(metric(reading.page, 'smc_positions')).toBe(last.positions);

    const status = await waitFor('the status file', () =>
      readStatusFile(statusFilePathFor(storePath)).then((x) => x ?? undefined),
    );
    expect(status.recent_trades).toEqual([earlier]);

    live.child.kill('SIGTERM');
    const stopped = await live.exit;
    expect(stopped, live.stderr()).toEqual({ code: 0, signal: null });
    const done = live.out.find((l) => l.includes('"LIVE_STOPPED"'));
    expect((JSON.parse(done ?? '{}') as { cycles?: number }).cycles).toBe(cycleLines(live.out).length);
    fake.child.kill('SIGTERM');
    expect((await fake.exit).code).toBe(0);
  });
});
