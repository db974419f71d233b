import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { UserError } from '../../data/errors.ts';
import { parseBacktestConfig } from '../../engine/backtest/config.ts';
import { contentHash } from '../../engine/backtest/hash.ts';
import { listPromotions, loadLiveConfig, promoteRun } from './promotion.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-promote-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = parseBacktestConfig({ risk: { risk_per_trade_pct: 0.005 } });

function runDir(name: string, over: Record<string, unknown> = {}): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const result = {
    kind: 'backtest',
    configHash: contentHash(config),
    dataHash: 'd'.repeat(64),
    resultHash: 'r'.repeat(64),
    symbols: ['BTC', 'ETH'],
    baseTimeframe: '1h',
    from: '2023-01-01T01:00:00.000Z',
    to: '2023-12-31T00:00:00.000Z',
    metrics: { sharpe: 1.2, totalReturn: 0.3, maxDrawdown: 0.1, closedTrades: 40, ignored: 5 },
    config,
    ...over,
  };
  writeFileSync(join(d, 'result.json'), JSON.stringify(result));
  return d;
}

/** A plain config file as `smc live` reads it (the CLI resolves it over the defaults; here it is complete). */
const loadPlain = (file: string) => parseBacktestConfig(parseYaml(readFileSync(file, 'utf8')));

describe('smc promote → smc live', () => {
  it('writes config/live/NAME.yaml with provenance, which live mode accepts as is', () => {
    const live = join(dir, 'config-live');
    const { file, promotion } = promoteRun({
      runDir: runDir('run1'),
      name: 'majors',
      dir: live,
      at: '2024-01-02T00:00:00Z',
    });
    expect(file).toBe(join(live, 'majors.yaml'));
    expect(promotion).toMatchObject({
      name: 'majors',
      run_id: 'r'.repeat(64),
      config_hash: contentHash(config),
      symbols: ['BTC', 'ETH'],
      data_from: '2023-01-01T01:00:00.000Z',
      metrics: { sharpe: 1.2, totalReturn: 0.3, maxDrawdown: 0.1, closedTrades: 40 },
      walk_forward: null,
    });
    expect(Object.keys(promotion.metrics)).not.toContain('ignored');
    const loaded = loadLiveConfig(file, { paper: false, dir: live, loadPlain });
    expect([loaded.configHash, loaded.promotion?.name, loaded.config.risk.risk_per_trade_pct]).toEqual([
      contentHash(config),
      'majors',
      0.005,
    ]);
    expect(listPromotions(live).map((p) => p.promotion.name)).toEqual(['majors']);
    expect(() => promoteRun({ runDir: runDir('run1'), name: 'majors', dir: live, at: 'x' })).toThrow(
      /exists/,
    );
  });

  it('refuses an edited promoted config unless --paper', () => {
    const live = join(dir, 'config-live');
    const { file } = promoteRun({ runDir: runDir('run1'), name: 'm', dir: live, at: 'now' });
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('risk_per_trade_pct: 0.005', 'risk_per_trade_pct: 0.02'),
    );
    expect(() => loadLiveConfig(file, { paper: false, dir: live, loadPlain })).toThrow(
      /edited after promotion/,
    );
    expect(loadLiveConfig(file, { paper: true, dir: live, loadPlain }).promotion).toBeNull();
  });

  it('accepts a plain config whose hash was promoted, refuses one that was not', () => {
    const live = join(dir, 'config-live');
    promoteRun({ runDir: runDir('run1'), name: 'm', dir: live, at: 'now' });
    const same = join(dir, 'same.yaml');
    writeFileSync(same, stringify(config));
    expect(loadLiveConfig(same, { paper: false, dir: live, loadPlain }).promotion?.name).toBe('m');
    const other = join(dir, 'other.yaml');
    writeFileSync(other, stringify({ ...config, risk: { ...config.risk, risk_per_trade_pct: 0.02 } }));
    expect(() => loadLiveConfig(other, { paper: false, dir: live, loadPlain })).toThrow(
      /never promoted.*--paper/,
    );
    expect(loadLiveConfig(other, { paper: true, dir: live, loadPlain }).promotion).toBeNull();
  });

  it('refuses a run whose stored config does not hash to its configHash, and a bad name', () => {
    const live = join(dir, 'config-live');
    expect(() =>
      promoteRun({ runDir: runDir('bad', { configHash: 'f'.repeat(64) }), name: 'm', dir: live, at: 'now' }),
    ).toThrow(UserError);
    expect(() => promoteRun({ runDir: runDir('run1'), name: '../evil', dir: live, at: 'now' })).toThrow(
      /--name/,
    );
    expect(() => promoteRun({ runDir: join(dir, 'missing'), name: 'm', dir: live, at: 'now' })).toThrow(
      /does not exist/,
    );
  });
});
