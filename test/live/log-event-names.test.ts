import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_EVENTS } from '../../live/ops/logger.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dirs: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of dirs) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const path = join(ROOT, dir, f);
      out.push([relative(ROOT, path), readFileSync(path, 'utf8')]);
    }
  }
  return out;
}

const known = (name: string) => LOG_EVENTS.some((e) => e.pattern.startsWith(name));

/**
 * Seed §7: an operator greps the journal for event names. Every UPPER_SNAKE name that opens a log message
 * of the live path (engine, live, the market registry) must be one of the documented LOG_EVENTS, so it is
 * in deploy/README.md's table too (test/ops/log-events.test.ts checks the table).
 */
describe('every event name the live path logs is a documented log event', () => {
  it('messages that open with an UPPER_SNAKE name followed by text', () => {
    // 'QTY_MISMATCH: adopting …', `CYCLE_SUMMARY cycle=…`, 'NAKED_POSITIONS_DETECTED (persistent)'
    const re = /['`]([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)(?::| [a-z(=])/g;
    const missing = new Set<string>();
    for (const [file, text] of sources(['engine', 'live', 'data/markets'])) {
      for (const m of text.matchAll(re)) if (!known(m[1])) missing.add(`${m[1]} (${file})`);
    }
    expect([...missing]).toEqual([]);
  });

  it('the universe events the runner logs by name (MarketRegistry UniverseEvent, UNIVERSE_REFRESH_FAILED)', () => {
    const registry = readFileSync(join(ROOT, 'data/markets/market-registry.ts'), 'utf8');
    const union = /export type UniverseEvent =([^;]+);/.exec(registry)?.[1] ?? '';
    const names = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    expect(names).toContain('UNIVERSE_INITIALISED');
    for (const n of [...names, 'UNIVERSE_REFRESH_FAILED']) expect(known(n), n).toBe(true);
  });
});
