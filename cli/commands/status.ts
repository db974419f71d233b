import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { action, formatZodError } from '../run-action.ts';

/**
 * `smc status [--json]`: the live run's state without touching the exchange — from the status file the
 * runner rewrites after every tick beside its store (DuckDB lets only the runner open the store while it
 * runs), or, when there is none, from the store itself.
 */

const StatusFlags = z.object({
  store: z.string().min(1, '--store needs a file path').optional(),
  paper: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command): void {
  program
    .command('status')
    .description(
      'state of the live run (equity, positions, system state, alerts) from the live store, no exchange call',
    )
    .option(
      '--store <file>',
      'live store (default .local/live.duckdb, $SMC_LIVE_STORE; .local/paper.duckdb with --paper)',
    )
    .option('--paper', 'the paper run’s store (.local/paper.duckdb)')
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      '\nReads <store>.status.json (written by smc live after each tick); without it, the store itself.\n' +
        'Examples:\n  smc status\n  smc status --paper --json | jq .status.equity',
    )
    .action(action(async (raw: Record<string, unknown>) => run(raw)));
}

async function run(raw: Record<string, unknown>): Promise<void> {
  const parsed = StatusFlags.safeParse(raw);
  if (!parsed.success) throw new UserError(formatZodError(parsed.error));
  const f = parsed.data;
  const ops = await import('../../live/ops/index.ts');
  const report = await import('../../live/ops/status-report.ts');
  const storePath = f.store ?? (f.paper ? '.local/paper.duckdb' : ops.defaultLiveStorePath());
  const statusPath = ops.statusFilePathFor(storePath);
  const now = Date.now();
  const snap = await ops.readStatusFile(statusPath);
  if (snap !== null) {
    const alive = report.processAlive(snap.pid);
    if (f.json) {
      const out = {
        source: 'status-file',
        file: statusPath,
        runner_alive: alive,
        age_s: (now - snap.wall_time) / 1000,
        ...snap,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else process.stdout.write(`${report.formatSnapshotReport(snap, now, alive)}\n`);
    return;
  }
  const r = await report.readStoreReport(storePath);
  if (f.json) {
    const out = {
      source: 'store',
      store: r.store,
      halt: r.halt,
      positions: r.positions.map((p) => ({
        id: p.id,
        symbol: p.symbol,
        side: p.side,
        state: p.state,
        qty: p.remainingQty.toString(),
        entry_price: p.avgEntryPrice?.toString() ?? null,
        stop_price: p.stopPrice.toString(),
      })),
      recent_trades: r.recentTrades,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else process.stdout.write(`${report.formatStoreReport(r)}\n`);
}
