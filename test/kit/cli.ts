import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * Running `smc` from tests, two ways: the real binary in a child process (start-up, exit codes, stdout
 * as a user sees them) or one command module through commander inside the test process (fast, and
 * coverage sees it). Both return the exit code and what was printed instead of throwing.
 */

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const exec = promisify(execFile);
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SMC_BIN = join(REPO_ROOT, 'bin/smc.mjs');

/**
 * `node bin/smc.mjs ...args`. `env` is laid over the test's environment (undefined removes a variable:
 * tests unset SMC_DB / SMC_LIVE_STORE so a developer's own settings cannot leak in).
 */
export async function smcBinary(
  args: readonly string[],
  opts: { readonly cwd?: string; readonly env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<CliOutcome> {
  try {
    const r = await exec(process.execPath, [SMC_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      maxBuffer: 1 << 24,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** One command module (`register` of cli/commands/X.ts) run in this process, its output captured. */
export async function smcInProcess(
  register: (program: Command) => void,
  args: readonly string[],
): Promise<CliOutcome> {
  const program = new Command().exitOverride();
  register(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'smc', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}
