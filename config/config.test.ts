import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../data/errors.ts';
import { DEFAULT_SAFETY_CONFIG } from '../engine/safety/config.ts';
import { CONFIG_RULES, checkConfigInvariants, POST_TRADE_GATES } from './invariants.ts';
import {
  DEFAULTS_DIR,
  loadConfig,
  loadDefaultsRaw,
  readYamlFile,
  resolveConfig,
  resolveConfigWith,
} from './load.ts';
import { SmcConfigSchema, SmcConfigShape } from './schema.ts';

function failure(f: () => unknown): UserError {
  try {
    f();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

function tmpFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'smc-config-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('config defaults', () => {
  it('config/defaults/*.yaml hold exactly the schema defaults (seed §7: one source, two places kept equal)', () => {
    expect(SmcConfigShape.parse(loadDefaultsRaw())).toEqual(SmcConfigShape.parse({}));
    // and every key of the YAML files is a schema key with its default value (no stale extra value)
    expect(SmcConfigShape.parse({})).toMatchObject(loadDefaultsRaw());
  });

  it('safety.yaml holds the seed’s thresholds', () => {
    const safety = readYamlFile(join(DEFAULTS_DIR, 'safety.yaml')).safety;
    expect(safety).toMatchObject({
      max_margin_utilization_pct: 0.92,
      degraded_margin_utilization_pct: 0.85,
      max_single_position_pct_equity: 0.25,
      max_equity_drawdown_pct: 0.15,
      degraded_equity_drawdown_pct: 0.1,
      max_concurrent_positions: 10,
      naked_position_grace_seconds: 90,
      naked_position_consecutive_detections: 2,
      auto_recovery: { min_halt_seconds: 300, max_margin_utilization_pct: 0.85, max_per_24h: 2 },
    });
  });

  it('the defaults break no rule', () => {
    expect(checkConfigInvariants(loadConfig())).toEqual([]);
  });
});

describe('loadConfig', () => {
  it('deep-merges a user file over the defaults, then overrides over that', () => {
    const path = tmpFile('my.yaml', 'risk:\n  leverage: 5\nstrategy:\n  ote:\n    tolerance: 0.02\n');
    const c = loadConfig(path, { overrides: { risk: { signal_cooldown_hours: 2 } } });
    expect(c.risk.leverage).toBe(5);
    expect(c.risk.signal_cooldown_hours).toBe(2);
    expect(c.risk.max_single_position_pct_equity).toBe(0.25);
    expect(c.strategy.ote).toMatchObject({ tolerance: 0.02, zone_low: 0.618 });
  });

  it('refuses an unknown key, naming the path and the closest known key', () => {
    const e = failure(() =>
      resolveConfig({ safety: { max_margin_utilisation_pct: 0.9 } }, { source: 'my.yaml' }),
    );
    expect(e.message).toContain(
      "safety.max_margin_utilisation_pct: unknown key — did you mean 'max_margin_utilization_pct'?",
    );
    expect(e.message).toContain('my.yaml');
    // also inside a section whose own schema is not strict (the simulator's)
    expect(failure(() => resolveConfig({ sim: { fees: { takr: 0.001 } } })).message).toContain(
      "sim.fees.takr: unknown key — did you mean 'taker'?",
    );
    const top = failure(() => resolveConfig({ riks: {} }));
    expect(top.message).toContain("riks: unknown key — did you mean 'risk'?");
  });

  it('a wrong value names the field, what it got and the default', () => {
    const e = failure(() => resolveConfig({ risk: { leverage: 'seven' } }));
    expect(e.message).toMatch(/^invalid config .*: risk\.leverage: .*got "seven".*default 7/);
  });

  it('reports every problem in the details, the first in the message', () => {
    const e = failure(() => resolveConfig({ risk: { leverage: -1, max_spread_pct: 5 } }));
    expect(e.details).toHaveLength(2);
    expect(e.message).toContain('(+1 more)');
  });

  it('resolveConfigWith validates a schema that extends the config, with the same messages and invariants', () => {
    const Extended = SmcConfigShape.extend({
      extra: z.strictObject({ runs: z.number().int().default(1) }).prefault({}),
    });
    expect(resolveConfigWith(Extended, { extra: { runs: 3 } }).extra.runs).toBe(3);
    expect(failure(() => resolveConfigWith(Extended, { extra: { rns: 3 } })).message).toContain(
      "extra.rns: unknown key — did you mean 'runs'?",
    );
    expect(
      failure(() => resolveConfigWith(SmcConfigSchema, { risk: { auction_max_margin_util: 0.95 } })).message,
    ).toContain('margin-halt-above-auction-budget');
  });

  it('names the file and the cause of a YAML syntax error or a non-mapping file', () => {
    expect(failure(() => loadConfig(tmpFile('bad.yaml', 'risk: [1, 2'))).message).toMatch(
      /bad\.yaml is not valid YAML/,
    );
    expect(failure(() => loadConfig(tmpFile('list.yaml', '- 1\n- 2\n'))).message).toMatch(
      /list\.yaml must be a mapping/,
    );
    expect(failure(() => loadConfig('/nonexistent/x.yaml')).message).toMatch(/cannot read config file/);
    expect(loadConfig(tmpFile('empty.yaml', '')).risk.leverage).toBe(7);
  });
});

describe('config invariants (seed Bug 1, Bug 2)', () => {
  it('every post-trade limit of the safety section has a pre-trade gate in POST_TRADE_GATES', () => {
    const limits = Object.entries(DEFAULT_SAFETY_CONFIG)
      .filter(([k, v]) => typeof v === 'number' && /^(max|degraded)_/.test(k))
      .map(([k]) => k)
      .sort();
    expect(POST_TRADE_GATES.map((g) => g.postTrade).sort()).toEqual(limits);
    const ids = new Set(CONFIG_RULES.map((r) => r.id));
    for (const g of POST_TRADE_GATES) for (const id of g.ruleIds) expect(ids.has(id)).toBe(true);
  });

  it.each([
    [{ risk: { max_concurrent_positions: 11 } }, 'position-count-gate-within-halt-limit'],
    [{ safety: { degraded_equity_drawdown_pct: 0.15 } }, 'drawdown-degraded-below-halt'],
    [{ risk: { daily_loss_limit_pct: 0.2 } }, 'daily-loss-below-drawdown-halt'],
    [{ safety: { auto_recovery: { max_margin_utilization_pct: 0.93 } } }, 'auto-recovery-below-margin-halt'],
    [{ risk: { max_single_position_margin_pct_equity: 3 } }, 'single-caps-within-aggregate-caps'],
    [{ risk: { leverage: 10 } }, 'risk-leverage-within-venue-leverage'],
  ])('%j breaks %s', (user, rule) => {
    const e = failure(() => resolveConfig(user));
    expect(e.message).toContain(`rule '${rule}'`);
    expect(e.message).toContain('fix:');
  });
});
