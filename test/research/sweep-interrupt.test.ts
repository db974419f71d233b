import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigOutcome } from '../../engine/research/outcome.ts';
import { readResultLog } from '../../engine/research/pool/results-log.ts';

/**
 * Issue 7 acceptance: the same sweep with 1 and 2 workers writes an identical table and sweep hash; a
 * sweep interrupted by SIGINT, and separately by SIGKILL, then rerun, completes with no missing or
 * duplicated rows and the same sweep hash as an uninterrupted run. The sweep runs in a child process
 * (test/research/fixtures/sweep-process.ts) over the toy backtest, so the pool, the results log and
 * resume are proven independently of the engine.
 */
const SCRIPT = new URL('./fixtures/sweep-process.ts', import.meta.url).pathname;
const CONFIGS = 36;
let root = '';

interface Summary {
  resumed: number;
  computed: number;
  complete: boolean;
  truncated: number;
  discarded: number;
}

function start(
  out: string,
  workers: number,
  delayMs: number,
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; summary: Summary | null }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, out, String(workers), String(delayMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; summary: Summary | null }>(
    (resolve) => {
      child.on('exit', (code, signal) => {
        if (code !== 0 && code !== 130 && signal === null) process.stderr.write(stderr);
        const line = stdout.trim().split('\n').pop();
        resolve({ code, signal, summary: line ? (JSON.parse(line) as Summary) : null });
      });
    },
  );
  return { child, done };
}

async function runToEnd(out: string, workers: number) {
  const r = await start(out, workers, 0).done;
  expect(r.code).toBe(0);
  return r.summary as Summary;
}

function logLines(out: string): number {
  const p = join(out, 'results.jsonl');
  return existsSync(p)
    ? readFileSync(p, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0).length
    : 0;
}

async function interruptAfter(out: string, lines: number, signal: NodeJS.Signals) {
  const { child, done } = start(out, 2, 60);
  const deadline = Date.now() + 30_000;
  while (logLines(out) < lines && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  child.kill(signal);
  return done;
}

const read = (out: string, f: string) => readFileSync(join(out, f), 'utf8');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'smc-sweep-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('sweep determinism and resume across interruptions', () => {
  let reference = { csv: '', hash: '' };

  it('1 and 2 workers write the identical table and sweep hash', async () => {
    await runToEnd(join(root, 'w1'), 1);
    const s2 = await runToEnd(join(root, 'w2'), 2);
    expect(s2).toMatchObject({ resumed: 0, computed: CONFIGS, complete: true });
    reference = { csv: read(join(root, 'w1'), 'sweep.csv'), hash: read(join(root, 'w1'), 'sweep-hash.txt') };
    expect(reference.csv.trim().split('\n')).toHaveLength(CONFIGS + 1);
    expect(read(join(root, 'w2'), 'sweep.csv')).toBe(reference.csv);
    expect(read(join(root, 'w2'), 'sweep-hash.txt')).toBe(reference.hash);
  });

  it('SIGINT stops cleanly; the rerun resumes and ends with the same hash', async () => {
    const out = join(root, 'int');
    const first = await interruptAfter(out, 6, 'SIGINT');
    expect(first.code).toBe(130);
    expect(first.summary?.complete).toBe(false);
    const logged = logLines(out);
    expect(logged).toBeGreaterThanOrEqual(6);
    expect(logged).toBeLessThan(CONFIGS);
    // A clean stop leaves only whole records.
    expect(readResultLog<ConfigOutcome>(join(out, 'results.jsonl')).discarded).toEqual([]);
    const second = await runToEnd(out, 2);
    expect(second.resumed).toBe(logged);
    expect(second.computed).toBe(CONFIGS - logged);
    expect(read(out, 'sweep.csv')).toBe(reference.csv);
    expect(read(out, 'sweep-hash.txt')).toBe(reference.hash);
    const log = readResultLog<ConfigOutcome>(join(out, 'results.jsonl'));
    expect(log.records.size).toBe(CONFIGS);
    expect(log.duplicates).toBe(0);
  });

  it('SIGKILL (with a half-written last line) loses at most the configs in flight; the rerun completes identically', async () => {
    const out = join(root, 'kill');
    const first = await interruptAfter(out, 8, 'SIGKILL');
    expect(first.signal).toBe('SIGKILL');
    const logged = logLines(out);
    expect(logged).toBeLessThan(CONFIGS);
    // What a kill in the middle of a write leaves behind.
    appendFileSync(join(out, 'results.jsonl'), '{"key":"abc:toy-data","result":{"metr');
    const second = await runToEnd(out, 2);
    expect(second.truncated).toBeGreaterThan(0);
    expect(second.resumed).toBe(logged);
    expect(second.resumed + second.computed).toBe(CONFIGS);
    expect(read(out, 'sweep.csv')).toBe(reference.csv);
    expect(read(out, 'sweep-hash.txt')).toBe(reference.hash);
    const log = readResultLog<ConfigOutcome>(join(out, 'results.jsonl'));
    expect(log.records.size).toBe(CONFIGS);
    expect(log.discarded).toEqual([]);
    expect(log.duplicates).toBe(0);
  });

  it('a rerun of a finished sweep computes nothing', async () => {
    const s = await runToEnd(join(root, 'w2'), 2);
    expect(s).toMatchObject({ resumed: CONFIGS, computed: 0, complete: true });
    expect(read(join(root, 'w2'), 'sweep-hash.txt')).toBe(reference.hash);
  });
});
