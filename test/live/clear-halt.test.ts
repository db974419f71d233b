import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../data/candles/series.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { RecordingLogger } from '../../engine/log.ts';
import type { HaltState } from '../../engine/safety/types.ts';
import { statusFilePathFor } from '../../live/ops/status-file.ts';
import { LiveStore } from '../../live/store/live-store.ts';
import { smcBinary } from '../kit/cli.ts';
import { sampleSeries, startReplay } from './runner-kit.ts';

/**
 * `smc live --clear-halt` (seed §7 "Persisted State Files Can Block Startup"): a halt persisted in the
 * live store keeps the next run halted until an operator lifts it; the command lifts it the way
 * SafetySupervisor.clearManually does, prints one confirmation line, and leaves everything else alone.
 */

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 10);
const HALT: HaltState = {
  active: true,
  reason: 'DRAWDOWN_CRITICAL',
  activatedAt: Date.UTC(2023, 0, 9, 14, 30),
  detail: 'drawdown 12.0% >= 10.0%',
};
const config = parseBacktestConfig({ backtest: { trace: 'none' } });
let series: CandleSeries[];
let dir: string;
const smc = (args: string[], env: Record<string, string> = {}) => smcBinary(args, { cwd: dir, env });

beforeAll(async () => {
  series = await sampleSeries(['SOL'], T0 - 24 * H, T0 + 2 * H);
  dir = mkdtempSync(join(tmpdir(), 'smc-clear-halt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The system state a runner starting on the store comes up in. */
async function startedState(storePath: string): Promise<string> {
  const r = await startReplay({
    series,
    config,
    start: T0,
    logger: new RecordingLogger(),
    runner: { historyFrom: T0 - 24 * H },
    storePath,
  });
  try {
    await r.runner.start();
    return r.runner.systemState();
  } finally {
    await r.close();
  }
}

describe('smc live --clear-halt', () => {
  it('lifts a persisted halt with a confirmation line; the next run trades (NORMAL)', async () => {
    const path = join(dir, 'live.duckdb');
    const seeded = await LiveStore.open(path);
    await seeded.saveHaltState(HALT, HALT.activatedAt ?? 0);
    await seeded.setState(
      'safety',
      { halt: { ...HALT }, monitor: { peakEquity: 10_000, nakedConsecutive: 0 }, autoRecoveries: [] },
      HALT.activatedAt ?? 0,
    );
    await seeded.close();
    expect(await startedState(path)).toBe('HALTED'); // it survives a restart, as in the seed

    // while another process holds the store, nothing is cleared
    const held = await LiveStore.open(path);
    try {
      const busy = await smc(['live', '--clear-halt', '--store', path]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/cannot open the live store .*is another smc live running on it\?/);
    } finally {
      await held.close();
    }

    writeFileSync(statusFilePathFor(path), '{}'); // the halted run's last status file
    // SMC_LIVE_STORE names the store, as for smc status
    const cleared = await smc(['live', '--clear-halt'], { SMC_LIVE_STORE: path });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toBe(
      `cleared the DRAWDOWN_CRITICAL halt since 2023-01-09T14:30:00.000Z (drawdown 12.0% >= 10.0%) in ${path}: ` +
        'the next smc live on this store trades again (if the cause is still there, it halts again)\n',
    );
    const audit = JSON.parse(
      cleared.stderr.split('\n').find((l) => l.includes('Kill switch cleared')) ?? '{}',
    ) as Record<string, unknown>;
    expect([audit.reason, audit.by]).toEqual(['DRAWDOWN_CRITICAL', 'manual']);
    expect(existsSync(statusFilePathFor(path))).toBe(false);

    const store = await LiveStore.open(path);
    try {
      expect((await store.loadHaltState()).active).toBe(false);
      expect(await store.getState('safety')).toEqual({
        halt: { active: false, reason: null, activatedAt: null, detail: null },
        monitor: { peakEquity: 10_000, nakedConsecutive: 0 }, // kept: a cause still there halts again
        autoRecoveries: [],
      });
    } finally {
      await store.close();
    }
    expect(await startedState(path)).toBe('NORMAL');

    const again = await smc(['live', '--clear-halt', '--store', path]);
    expect([again.code, again.stdout]).toEqual([0, `no halt in ${path}: nothing to clear\n`]);
  });
});
