import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The committed notebooks (issue 8 item 4): the five named ones, on the tslab kernel, without stale outputs,
 * loading the project through notebooks/smc.mjs. Executing them needs Jupyter (`npm run notebooks`, in CI).
 */
const DIR = fileURLToPath(new URL('../../notebooks/', import.meta.url));
const EXPECTED = [
  '01-quickstart.ipynb',
  '02-ote-and-4h-variants.ipynb',
  '03-walk-forward.ipynb',
  '04-why-no-trade.ipynb',
  '05-data-quality.ipynb',
];

interface Notebook {
  metadata: { kernelspec?: { name?: string } };
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: unknown[];
    execution_count?: number | null;
  }[];
}

const read = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Notebook;
const source = (c: Notebook['cells'][number]) => (Array.isArray(c.source) ? c.source.join('') : c.source);

describe('committed notebooks', () => {
  it('are the five of the issue', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.ipynb'))
        .sort(),
    ).toEqual(EXPECTED);
  });

  for (const f of EXPECTED) {
    it(`${f}: tslab kernel, no outputs, loads the API through smc.mjs`, () => {
      const nb = read(f);
      expect(nb.metadata.kernelspec?.name).toBe('tslab');
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(3);
      for (const c of code) {
        expect(c.outputs ?? []).toEqual([]);
        expect(c.execution_count ?? null).toBeNull();
      }
      expect(source(code[0])).toContain("require('./smc.mjs')");
    });
  }

  it('run.mjs --check agrees (the check CI runs)', () => {
    const r = spawnSync(process.execPath, [join(DIR, 'run.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('5 notebooks clean');
    expect(r.status).toBe(0);
  });
});
