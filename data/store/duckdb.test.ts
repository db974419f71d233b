import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { ensureParentDir, openDuckDb } from './duckdb.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('ensureParentDir', () => {
  it('creates every missing folder above the file', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'smc-duckdb-'));
    const file = join(tmp, 'a', 'b', 'c', 'x.duckdb');
    ensureParentDir(file);
    expect(statSync(join(tmp, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('a file where a folder should be: a UserError naming the flag', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'smc-duckdb-'));
    writeFileSync(join(tmp, 'plain'), 'x');
    expect(() => ensureParentDir(join(tmp, 'plain', 'x.duckdb'), '--store')).toThrow(UserError);
    expect(() => ensureParentDir(join(tmp, 'plain', 'x.duckdb'), '--store')).toThrow(
      /^--store '.*is a file, not a folder/,
    );
  });
});

/**
 * Session-1 bug: `smc demo --db /proc/x/y.duckdb` spun forever — Node's recursive mkdir retries the
 * ENOENT procfs answers. Run in a child process with a deadline, so the old behaviour fails the test
 * instead of hanging the suite.
 */
describe.skipIf(!existsSync('/proc/self'))('session-1 bug: --db under /proc spins', () => {
  it('smc demo --db /proc/x/y.duckdb fails fast with one line naming --db and the fix', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/smc.mjs'), 'demo', '--db', '/proc/x/y.duckdb'], {
      cwd: ROOT,
      env: { ...process.env, SMC_DB: undefined },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal).toBeNull(); // not killed at the deadline
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--db '\/proc\/x\/y\.duckdb': cannot create the folder '\/proc\/x'/);
    expect(r.stderr).toContain('give --db a file in a folder you can write');
  }, 40_000);

  it('a file DuckDB cannot create in an existing folder is a UserError too', async () => {
    await expect(openDuckDb('/proc/y.duckdb')).rejects.toThrow(/^--db '\/proc\/y\.duckdb': IO Error/);
  });
});
