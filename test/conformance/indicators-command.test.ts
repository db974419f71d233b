import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIndicators } from '../../cli/commands/indicators.ts';
import { parseReferenceCsv } from '../../strategies/smc/primitives/reference/csv.ts';
import { REFERENCE_KINDS } from '../../strategies/smc/primitives/reference/kinds.ts';
import { diffColumns } from './compare.ts';
import { EURUSD_PATH, expected, fixtureText } from './fixture.ts';

const FILES: Record<(typeof REFERENCE_KINDS)[number], string> = {
  swings: 'swing_highs_lows_result_data',
  fvg: 'fvg_result_data',
  fvg_joined: 'fvg_consecutive_result_data',
  bos_choch: 'bos_choch_result_data',
  ob: 'ob_result_data',
  liquidity: 'liquidity_result_data',
  retracements: 'retracements_result_data',
  previous_high_low: 'previous_high_low_result_data_1D',
};

describe('smc indicators <csv> --kind K --out FILE writes the reference layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smc-indicators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of REFERENCE_KINDS) {
    it(`--kind ${kind} on the EURUSD fixture equals the reference's expected file`, async () => {
      const out = join(dir, `${kind}.csv`);
      const report = await runIndicators({
        input: EURUSD_PATH,
        kind,
        swingLength: 5,
        rangePercent: 0.01,
        timeframe: '1D',
        out,
      });
      expect(report.rows).toBe(24_424);
      const text = readFileSync(out, 'utf8');
      const got = parseReferenceCsv(text);
      expect(diffColumns(got.header, got.columns, expected(FILES[kind])).slice(0, 10)).toEqual([]);
      // Byte for byte the reference's file: a plain `diff` of the two is empty.
      expect(text).toBe(fixtureText(FILES[kind]));
    });
  }

  it('refuses an unknown kind naming the flag and the choices', async () => {
    await expect(
      runIndicators({
        input: EURUSD_PATH,
        kind: 'zigzag' as 'fvg',
        swingLength: 5,
        rangePercent: 0.01,
        timeframe: '1D',
        out: join(dir, 'x.csv'),
      }),
    ).rejects.toThrow(/--kind must be one of swings, fvg/);
  });

  it('runs through the smc binary', () => {
    const out = join(dir, 'cli-swings.csv');
    const r = spawnSync(
      process.execPath,
      ['bin/smc.mjs', 'indicators', EURUSD_PATH, '--kind', 'swings', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('swings: 24424 rows written');
    expect(readFileSync(out, 'utf8')).toBe(fixtureText('swing_highs_lows_result_data'));
  });
});
