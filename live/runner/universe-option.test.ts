import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../data/errors.ts';
import { PINNED_TIER_A, parseMarketRegistryConfig } from '../../data/markets/index.ts';
import { parseUniverseOption } from './universe-option.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-universe-option-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('smc live --universe', () => {
  it('a comma list: candidates in order, the registry defaults, the majors pinned', () => {
    const u = parseUniverseOption('btc, ARB/USD:USD ,PF_XBTUSD,eth');
    expect(u.candidates).toEqual(['BTC', 'ARB', 'ETH']);
    expect(u.registry).toEqual(parseMarketRegistryConfig({}));
    expect(u.registry.pinnedTierA).toEqual([...PINNED_TIER_A]);
  });

  it('symbols named with --symbols join the candidates and are pinned Tier A', () => {
    const u = parseUniverseOption('BTC,ARB', ['OP', 'ARB']);
    expect(u.candidates).toEqual(['BTC', 'ARB', 'OP']);
    expect(u.registry.pinnedTierA).toEqual([...PINNED_TIER_A, 'OP', 'ARB']);
  });

  it('a YAML file in the seed’s candidate_symbols shape, with registry settings', () => {
    const p = file(
      'universe.yaml',
      'candidate_symbols:\n  - "BTC/USD"\n  - "ARB/USD"\nmarket_registry:\n  pinnedTierA: [BTC]\n  shrinkRejectRatio: 0.6\n',
    );
    const u = parseUniverseOption(p);
    expect(u.candidates).toEqual(['BTC', 'ARB']);
    expect([u.registry.pinnedTierA, u.registry.shrinkRejectRatio, u.registry.refreshIntervalMs]).toEqual([
      ['BTC'],
      0.6,
      4 * 3_600_000,
    ]);
  });

  it('a YAML list of symbols', () => {
    expect(parseUniverseOption(file('list.yml', '- SOL\n- DOGE\n')).candidates).toEqual(['SOL', 'DOGE']);
  });

  it('refuses bad input naming the field', () => {
    expect(() => parseUniverseOption(join(dir, 'missing.yaml'))).toThrow(
      /--universe: no file .*missing\.yaml/,
    );
    expect(() => parseUniverseOption(file('empty.yaml', 'candidate_symbols: []\n'))).toThrow(
      /candidate_symbols: needs at least one symbol/,
    );
    expect(() =>
      parseUniverseOption(
        file('ratio.yaml', 'candidate_symbols: [BTC]\nmarket_registry:\n  shrinkRejectRatio: 2\n'),
      ),
    ).toThrow(/market_registry\.shrinkRejectRatio/);
    expect(() => parseUniverseOption('BTC,???')).toThrow(UserError);
  });
});
