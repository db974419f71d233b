import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERTING_EVENTS } from '../../live/alerts/log-bridge.ts';
import { LOG_EVENTS } from '../../live/ops/logger.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Non-test TypeScript sources under `dirs`, as [relative path, text]. */
function sources(dirs: readonly string[], exclude: readonly string[] = []): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of dirs) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const path = join(ROOT, dir, f);
      const rel = relative(ROOT, path);
      if (exclude.includes(rel)) continue;
      out.push([rel, readFileSync(path, 'utf8')]);
    }
  }
  return out;
}

/** Seed §7 "Log Patterns to Watch For", verbatim. */
const SEED_PATTERNS = [
  'Kill switch active',
  'DEGRADED',
  'PHANTOM',
  'ORPHAN',
  'PENDING_ADOPTED',
  'Exchange has live exposure...Blocking',
  'Old SL cancel failed (proceeding to place new SL)',
  'NAKED_POSITIONS_DETECTED (first occurrence)',
  'NAKED_POSITIONS_DETECTED (persistent)',
  '4H_STRUCTURE_REQUIRED',
  'entry not in OTE/Key Fib',
  'Execution failed',
  'flatten_orphan',
  'Tier A coin bypassing filters',
  'CYCLE_SUMMARY',
  'CYCLE_SUMMARY_FAILED',
  'Kill switch: PRESERVING stop loss order',
  'Kill switch: Order cleanup complete',
  'AUTO_RECOVERY: Clearing kill switch',
  'Auto-recovery: daily limit reached',
  'Capping position notional by aggregate exposure limit',
  'Alert (no webhook configured)',
  'UNIVERSE_SHRINK_REJECTED',
  'SYMBOL_ADDED',
  'SYMBOL_REMOVED',
  'SIGNAL_REJECTED_SPREAD',
  'Daily loss tracking initialized',
  'DAILY_LOSS_WARNING',
];

/** Seed patterns that are decision-trace reasons now, not log lines (deploy/README.md says so). */
const TRACE_REASONS = new Set(['4H_STRUCTURE_REQUIRED', 'entry not in OTE/Key Fib']);

describe('seed §7 log patterns stay greppable', () => {
  it('every seed pattern is a documented log event (or a documented decision-trace reason)', () => {
    const patterns = LOG_EVENTS.map((e) => e.pattern);
    for (const p of SEED_PATTERNS) {
      if (TRACE_REASONS.has(p)) continue;
      const ours = p.split('...')[0];
      expect(patterns, `seed pattern '${p}'`).toContain(ours);
    }
  });

  it('deploy/README.md lists every log event', () => {
    const readme = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
    const documented = new Set(
      readme
        .split('\n')
        .map((l) => /^\|\s*`([^`]+)`\s*\|/.exec(l)?.[1])
        .filter((p): p is string => p !== undefined),
    );
    for (const e of LOG_EVENTS) expect(documented.has(e.pattern), e.pattern).toBe(true);
  });

  it('every log event is emitted by some module (a renamed message breaks this, not the operator)', () => {
    const files = sources(
      ['engine', 'data', 'live', 'strategies'],
      ['live/ops/logger.ts', 'live/alerts/log-bridge.ts'],
    );
    const missing = LOG_EVENTS.map((e) => e.pattern).filter(
      (p) => !files.some(([, text]) => text.includes(p)),
    );
    expect(missing).toEqual([]);
  });

  it('every event that raises an alert is logged by engine/ or data/ with that prefix', () => {
    const files = sources(['engine', 'data']);
    for (const e of ALERTING_EVENTS) {
      const quoted = [`'${e.prefix}`, `\`${e.prefix}`, `"${e.prefix}`];
      const emitters = files.filter(([, text]) => quoted.some((q) => text.includes(q))).map(([f]) => f);
      expect(emitters, e.prefix).not.toEqual([]);
    }
  });
});
