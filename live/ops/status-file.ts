import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import type { Logger } from '../../engine/log.ts';
import type { AlerterStats } from '../alerts/alerter.ts';
import type { OpsDataSource } from './data-source.ts';
import type { HealthReport } from './health.ts';

/**
 * The live status snapshot `smc status` reads. DuckDB lets one process open the live store, and the
 * runner holds it (live/store/README.md), so the runner also writes this small JSON file beside the store
 * after each tick — atomically (temp file + rename), so a reader never sees half of it.
 */

/** Default live store path (`SMC_LIVE_STORE` overrides); the status file sits beside it. */
export function defaultLiveStorePath(): string {
  return process.env.SMC_LIVE_STORE ?? '.local/live.duckdb';
}

/** `.local/live.duckdb` → `.local/live.status.json`. */
export function statusFilePathFor(storePath: string): string {
  return `${storePath.replace(/\.duckdb$/i, '')}.status.json`;
}

const DecimalString = z.string().regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i, 'must be a decimal string');
const SystemStateSchema = z.enum(['NORMAL', 'DEGRADED', 'HALTED']);

const TradeSchema = z.object({
  strategyId: z.string(),
  symbol: z.string(),
  side: z.enum(['long', 'short']),
  entryTs: z.number(),
  exitTs: z.number(),
  entryPrice: z.string(),
  exitPrice: z.string(),
  qty: z.string(),
  fees: z.string(),
  funding: z.string(),
  pnl: z.string(),
  netPnl: z.string(),
  exitReason: z.string(),
});

export const StatusSnapshotSchema = z.object({
  version: z.literal(1),
  /** The run's clock (a paper replay's clock is in the past). */
  written_at: z.number(),
  /** Wall-clock time of the write: how fresh the file is. */
  wall_time: z.number(),
  pid: z.number().int(),
  status: z.object({
    equity: DecimalString,
    margin_used: DecimalString,
    margin_utilization: z.number(),
    unrealized_pnl: DecimalString,
    system_state: SystemStateSchema,
    halt_reason: z.string().nullable(),
    positions: z.number().int(),
    universe: z.number().int(),
    cycle: z.number().int(),
    cooldowns_active: z.number().int(),
    last_cycle_at: z.number().nullable(),
    last_reconciliation_at: z.number().nullable(),
  }),
  health: z.object({ status: z.enum(['ok', 'starting', 'stale', 'halted']), reason: z.string() }),
  positions: z.array(
    z.object({
      symbol: z.string(),
      side: z.enum(['long', 'short']),
      qty: DecimalString,
      entry_price: DecimalString,
      mark_price: DecimalString,
      leverage: z.number(),
      unrealized_pnl: DecimalString,
      margin: DecimalString,
    }),
  ),
  recent_trades: z.array(TradeSchema),
  alerts: z.object({
    sinks: z.array(z.string()),
    queued: z.number().int(),
    sent: z.number().int(),
    dropped: z.number().int(),
    suppressed: z.number().int(),
    failed: z.number().int(),
  }),
});

export type StatusSnapshot = z.infer<typeof StatusSnapshotSchema>;

/** Builds the snapshot from the ops data source (no exchange request: see ops-state.ts). */
export async function buildStatusSnapshot(p: {
  readonly data: OpsDataSource;
  readonly health: HealthReport;
  readonly alerts: AlerterStats & { readonly sinks: readonly string[] };
  readonly now: number;
}): Promise<StatusSnapshot> {
  const [s, positions, trades] = await Promise.all([
    p.data.status(),
    p.data.positions(),
    p.data.recentTrades(5),
  ]);
  return {
    version: 1,
    written_at: p.now,
    wall_time: Date.now(),
    pid: process.pid,
    status: {
      equity: s.equity.toString(),
      margin_used: s.marginUsed.toString(),
      margin_utilization: s.marginUtilization,
      unrealized_pnl: s.unrealizedPnl.toString(),
      system_state: s.systemState,
      halt_reason: s.haltReason,
      positions: s.positions,
      universe: s.universe,
      cycle: s.cycle,
      cooldowns_active: s.cooldownsActive,
      last_cycle_at: s.lastCycleAt,
      last_reconciliation_at: s.lastReconciliationAt,
    },
    health: { status: p.health.status, reason: p.health.reason },
    positions: positions.map((x) => ({
      symbol: x.symbol,
      side: x.side,
      qty: x.qty.toString(),
      entry_price: x.entryPrice.toString(),
      mark_price: x.markPrice.toString(),
      leverage: x.leverage,
      unrealized_pnl: x.unrealizedPnl.toString(),
      margin: x.margin.toString(),
    })),
    recent_trades: trades.map((t) => ({ ...t })),
    alerts: {
      sinks: [...p.alerts.sinks],
      queued: p.alerts.queued,
      sent: p.alerts.sent,
      dropped: p.alerts.dropped,
      suppressed: p.alerts.suppressed,
      failed: p.alerts.failed,
    },
  };
}

/** Writes `snap` to `path` atomically: a temp file in the same folder, then a rename over the old one. */
export async function writeStatusFile(path: string, snap: StatusSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(tmp, `${JSON.stringify(snap, null, 2)}\n`, 'utf8');
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch((cleanupErr: unknown) => {
      throw new Error(`${(err as Error).message}; and removing ${tmp} failed: ${String(cleanupErr)}`);
    });
    throw err;
  }
}

/** Reads and validates a status file; null when it does not exist. */
export async function readStatusFile(path: string): Promise<StatusSnapshot | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read the status file '${path}': ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `status file '${path}' is not JSON (${(err as Error).message}): delete it; the runner rewrites it each tick`,
    );
  }
  const parsed = StatusSnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UserError(
      `status file '${path}' is malformed at ${i?.path.join('.') || '(root)'}: ${i?.message} — was it written by another smc version? delete it; the runner rewrites it each tick`,
    );
  }
  return parsed.data;
}

/**
 * Writes the status file off the loop's path: {@link request} returns at once; at most one write runs,
 * and requests during it collapse into one more write after it. Failures are logged, never thrown.
 */
export class StatusFileWriter {
  private inFlight: Promise<void> | null = null;
  private again = false;

  constructor(
    readonly path: string,
    private readonly snapshot: () => Promise<StatusSnapshot>,
    private readonly logger: Logger,
  ) {}

  request(): void {
    if (this.inFlight !== null) {
      this.again = true;
      return;
    }
    this.inFlight = this.run().finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  /** Resolves when no write is in flight (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  private async run(): Promise<void> {
    try {
      await writeStatusFile(this.path, await this.snapshot());
    } catch (err) {
      this.logger.error({ path: this.path, err: (err as Error).message }, 'Status file write failed');
    }
  }
}
