import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smcBinary } from '../kit/cli.ts';

/** The real `smc` binary end to end, against temp databases. */
const smc = (args: string[]) => smcBinary(args, { env: { SMC_DB: undefined } });

const tmp = mkdtempSync(join(tmpdir(), 'smc-cli-'));
const folder = join(tmp, 'binance-spot');
mkdirSync(folder);
const csv = join(folder, 'ETHUSDT_1h.csv');
writeFileSync(
  csv,
  'date,open,high,low,close,volume,ticker\n' +
    '2021-04-04 20:00:00,2070.1,2080.5,2065.0,2075.2,100.5,ETHUSDT\n' +
    '2021-04-04 21:00:00,2075.2,2090.0,2070.0,2085.0,120.25,ETHUSDT\n' +
    '2021-04-05 00:00:00,2085.0,2086.0,2060.0,2061.5,99.75,ETHUSDT\n',
);
const bad = join(folder, 'ETHUSDT_bad_1h.csv');
writeFileSync(
  bad,
  'date,open,high,low,close,volume\n2021-04-05 01:00:00,1,2,0.5,1.5,1\n2021-04-05 01:00:00,1,2,0.5,1.5,1\n2021-04-05 02:00:00,1,0.4,0.5,1.5,1\n',
);

describe('smc data (real CLI)', () => {
  it('imports, refuses a corrupt file with row numbers, lists and exports', async () => {
    const db = join(tmp, 'a.duckdb');
    const imp = await smc(['data', 'import', csv, '--db', db, '--json']);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    const summary = JSON.parse(imp.stdout) as { imported: Record<string, unknown>[] };
    expect(summary.imported[0]).toMatchObject({
      source: 'binance-spot',
      symbol: 'ETH',
      timeframe: '1h',
      rowsStored: 3,
      inserted: 3,
      firstTs: '2021-04-04T20:00:00Z',
      lastTs: '2021-04-05T00:00:00Z',
      gaps: [{ from: '2021-04-04T22:00:00Z', to: '2021-04-04T23:00:00Z', missing: 2 }],
    });

    const refused = await smc(['data', 'import', bad, '--db', db, '--symbol', 'ETH']);
    expect(refused.code).toBe(2);
    const lines = refused.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^smc: refused '.*ETHUSDT_bad_1h\.csv': 1 duplicate, 1 high-below-low/);
    expect(lines.slice(1).map((l) => l.trim())).toEqual([
      'line 3: time 2021-04-05T01:00:00Z repeats line 2 (identical values)',
      'line 4: high 0.4 is below low 0.5',
    ]);

    const list = await smc(['data', 'list', '--db', db, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      {
        source: 'binance-spot',
        symbol: 'ETH',
        timeframe: '1h',
        rows: 3,
        firstTs: Date.UTC(2021, 3, 4, 20),
        lastTs: Date.UTC(2021, 3, 5),
        first: '2021-04-04T20:00:00Z',
        last: '2021-04-05T00:00:00Z',
      },
    ]);

    const out = join(tmp, 'eth.csv');
    const exp = await smc([
      'data',
      'export',
      '--symbol',
      'ETH',
      '--timeframe',
      '1h',
      '--out',
      out,
      '--db',
      db,
      '--from',
      '2021-04-04',
    ]);
    expect(exp.code).toBe(0);
    expect(exp.stdout).toMatch(/csv, binance-spot ETH 1h 3 rows/);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual([
      'ts,open,high,low,close,volume',
      '2021-04-04T20:00:00Z,2070.1,2080.5,2065,2075.2,100.5',
      '2021-04-04T21:00:00Z,2075.2,2090,2070,2085,120.25',
      '2021-04-05T00:00:00Z,2085,2086,2060,2061.5,99.75',
      '',
    ]);

    const noSource = await smc(['data', 'import', join(tmp, 'x.csv'), '--db', db]);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr.split('\n')[0]).toMatch(/^smc: cannot read '.*x\.csv'/);
  });

  it('demo imports the bundled sample; check-resample lists the differing publisher bars', async () => {
    const db = join(tmp, 'demo.duckdb');
    const demo = await smc(['demo', '--db', db, '--json']);
    expect(demo.code).toBe(0);
    const d = JSON.parse(demo.stdout) as { importedFiles: number; series: unknown[] };
    expect([d.importedFiles, d.series.length]).toEqual([15, 15]);
    const check = await smc(['data', 'check-resample', '--symbol', 'BTC', '--db', db, '--fail-on-diff']);
    expect(check.code).toBe(1);
    const out = check.stdout.split('\n');
    expect(out[0]).toBe(
      'binance-usdm-perp BTC 1h → 4h: 8,766 bars compared, 8,764 match, 2 differ (close 1, volume 2); only resampled 0, only imported 0',
    );
    expect(out[2]).toMatch(/^ {2}2023-11-10T12:00:00Z close {2}ours 37092\.6 {2}theirs 37118\.4/);
    const bad = await smc(['data', 'check-resample', '--symbol', 'BTC', '--db', db, '--targets', '2h']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^smc: --targets '2h' is not supported: use one of 15m, 1h, 4h, 1d/);
  });
});
