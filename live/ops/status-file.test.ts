import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../data/errors.ts';
import { SimulatedClock } from '../../engine/clock.ts';
import { RecordingLogger } from '../../engine/log.ts';
import { HealthMonitor } from './health.ts';
import { OpsState } from './ops-state.ts';
import {
  buildStatusSnapshot,
  readStatusFile,
  StatusFileWriter,
  statusFilePathFor,
  writeStatusFile,
} from './status-file.ts';

const T = Date.UTC(2026, 1, 8, 12);

async function snapshot() {
  const state = new OpsState();
  state.update({
    cycle: 12,
    durationMs: 800,
    positions: 1,
    universe: 45,
    systemState: 'DEGRADED',
    cooldownsActive: 2,
    at: T,
    lastReconciliationAt: T - 60_000,
    account: {
      equity: new Decimal('10000.5'),
      balance: new Decimal('9990'),
      marginUsed: new Decimal('8700'),
      availableMargin: new Decimal('1300.5'),
      marginUtilization: 0.87,
    },
  });
  return buildStatusSnapshot({
    data: state,
    health: new HealthMonitor({ clock: new SimulatedClock(T), expectedIntervalMs: 60_000 }).check(),
    alerts: { queued: 0, sent: 4, dropped: 1, suppressed: 2, failed: 0, sinks: ['telegram'] },
    now: T + 1000,
  });
}

describe('status file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smc-status-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives beside the live store', () => {
    expect(statusFilePathFor('.local/live.duckdb')).toBe('.local/live.status.json');
    expect(statusFilePathFor('/srv/smc/prod')).toBe('/srv/smc/prod.status.json');
  });

  it('round-trips through write and read, leaving no temp file', async () => {
    const path = join(dir, 'sub', 'live.status.json');
    const snap = await snapshot();
    await writeStatusFile(path, snap);
    expect(await readStatusFile(path)).toEqual(snap);
    expect(await readdir(join(dir, 'sub'))).toEqual(['live.status.json']);
    expect(snap.status).toMatchObject({
      equity: '10000.5',
      margin_utilization: 0.87,
      system_state: 'DEGRADED',
      cycle: 12,
    });
  });

  it('missing → null; malformed → a UserError that names the field and the fix', async () => {
    expect(await readStatusFile(join(dir, 'none.json'))).toBeNull();
    const bad = join(dir, 'bad.json');
    const snap = await snapshot();
    await writeFile(bad, JSON.stringify({ ...snap, status: { ...snap.status, equity: 'lots' } }));
    await expect(readStatusFile(bad)).rejects.toThrow(UserError);
    await expect(readStatusFile(bad)).rejects.toThrow(/status\.equity: must be a decimal string.*delete it/);
    await writeFile(bad, '{ half');
    await expect(readStatusFile(bad)).rejects.toThrow(/is not JSON/);
  });

  it('the writer never runs two writes at once and collapses requests made during one', async () => {
    const path = join(dir, 'live.status.json');
    let builds = 0;
    const snap = await snapshot();
    const w = new StatusFileWriter(
      path,
      async () => {
        builds++;
        return { ...snap, status: { ...snap.status, cycle: builds } };
      },
      new RecordingLogger(),
    );
    for (let i = 0; i < 10; i++) w.request();
    await w.settled();
    expect(builds).toBe(2);
    expect((await readStatusFile(path))?.status.cycle).toBe(2);
  });

  it('a failing write is logged, not thrown', async () => {
    const logger = new RecordingLogger();
    const w = new StatusFileWriter(
      join(dir, 'x.json'),
      async () => {
        throw new Error('no data');
      },
      logger,
    );
    w.request();
    await w.settled();
    expect(logger.records.find((r) => r.msg === 'Status file write failed')?.obj).toMatchObject({
      err: 'no data',
    });
  });
});
