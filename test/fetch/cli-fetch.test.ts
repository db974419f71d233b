import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandleStore } from '../../data/store/candle-store.ts';
import { syntheticSeries } from '../../data/synthetic/generator.ts';
import { TIMEFRAME_MS } from '../../data/timeframes.ts';
import type { FaultStats } from '../../live/kraken/fake/faults.ts';

/**
 * The acceptance scenario of issue 2 with real processes: `smc fake-exchange` serving a DuckDB file,
 * `smc data fetch` downloading from it through ccxt into another one, SIGKILLed midway and rerun.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/smc.mjs');
const STEP = TIMEFRAME_MS['15m'];
const START = Date.UTC(2024, 0, 1);
const BARS = 4500;
const UNTIL = new Date(START + BARS * STEP).toISOString();

const series = [
  syntheticSeries({ symbol: 'BTC', source: 'krakenfutures', length: BARS, seed: 21, startPrice: 42_000 }),
  syntheticSeries({ symbol: 'ETH', source: 'krakenfutures', length: BARS, seed: 22, startPrice: 2_300 }),
];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function smc(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, SMC_DB: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<Run>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Resolves with the first stdout line of `child`. */
function firstLine(child: ChildProcess, done: Promise<Run>): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout?.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) res(buf.slice(0, i));
    });
    done.then((r) => rej(new Error(`exited (${r.code}) before printing: ${r.stderr}`)));
  });
}

let dir: string;
let fake: { child: ChildProcess; done: Promise<Run> };
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smc-fetch-cli-'));
  const src = await CandleStore.open(join(dir, 'venue.duckdb'));
  for (const s of series) await src.upsert(s);
  await src.close();
  fake = smc(['fake-exchange', '--port', '0', '--db', join(dir, 'venue.duckdb'), '--json']);
  url = JSON.parse(await firstLine(fake.child, fake.done)).url;
}, 60_000);

afterAll(async () => {
  if (fake && fake.child.exitCode === null) {
    fake.child.kill('SIGTERM');
    await fake.done;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function control(path: string, method = 'GET', body?: object): Promise<unknown> {
  const r = await fetch(`${url}/_control/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return r.json();
}

describe('smc data fetch against smc fake-exchange (child processes)', () => {
  it('killed midway (SIGKILL) and rerun: resumes without duplicates or gaps', async () => {
    const dst = join(dir, 'local.duckdb');
    const args = [
      'data',
      'fetch',
      '--symbols',
      'BTC,ETH',
      '--timeframe',
      '15m',
      '--since',
      '2024-01-01',
      '--until',
      UNTIL,
    ];
    const fetchArgs = [...args, '--exchange-url', url, '--db', dst, '--json'];

    // slow chart pages so the kill lands mid-download
    await control('faults', 'PUT', { scope: 'charts', latencyMs: 300 });
    const first = smc(fetchArgs);
    for (;;) {
      const stats = (await control('stats')) as FaultStats;
      if (stats.requests.charts >= 3) break; // pages 1–2 are stored once page 3 is requested
      if (first.child.exitCode !== null) throw new Error(`fetch ended early: ${(await first.done).stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    await control('reset', 'POST');
    const second = await smc(fetchArgs).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary.ok).toBe(true);
    const btc = summary.symbols.find((s: { symbol: string }) => s.symbol === 'BTC');
    expect(btc.resumedAfter).not.toBeNull();
    expect(btc.rowsStored).toBeLessThan(BARS);

    const store = await CandleStore.open(dst, { readOnly: true });
    try {
      for (const want of series) {
        const got = await store.read({ source: 'krakenfutures', symbol: want.symbol, timeframe: '15m' });
        expect(got.length).toBe(BARS);
        for (let i = 1; i < got.length; i++) expect(got.ts[i] - got.ts[i - 1]).toBe(STEP);
        for (const col of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
          expect(Array.from(got[col])).toEqual(Array.from(want[col]));
        }
      }
    } finally {
      await store.close();
    }
  }, 90_000);

  it('fake-exchange stops cleanly on SIGTERM', async () => {
    fake.child.kill('SIGTERM');
    const r = await fake.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SIGTERM, stopping');
  });
});
