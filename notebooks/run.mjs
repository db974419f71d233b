#!/usr/bin/env node
// Runs, checks or strips the notebooks (npm run notebooks).
//
//   node notebooks/run.mjs [NAME…]   execute every notebook (or the named ones) headless with Jupyter
//                                    nbconvert and the tslab kernel; executed copies go to .local/notebooks/;
//                                    exits 1 on the first cell error
//   node notebooks/run.mjs --check   fail if a committed notebook carries outputs or execution counts,
//                                    or does not use the tslab kernel
//   node notebooks/run.mjs --strip   remove outputs and execution counts in place
//
// Needs: jupyter-nbconvert (Debian: jupyter-nbconvert python3-ipykernel) and the tslab kernel registered
// (npx tslab install --python=/usr/bin/python3). The kernel starts `tslab` from PATH, so node_modules/.bin
// is put first on PATH here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '..');
const OUT = join(REPO, '.local', 'notebooks');
const CELL_TIMEOUT_S = 300;

const args = process.argv.slice(2);
const mode = args.includes('--check') ? 'check' : args.includes('--strip') ? 'strip' : 'run';
const names = args.filter((a) => !a.startsWith('--'));
const notebooks = readdirSync(HERE)
  .filter((f) => f.endsWith('.ipynb'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)))
  .sort();
if (notebooks.length === 0) {
  console.error(`notebooks: no notebook matches ${names.join(', ')}`);
  process.exit(2);
}

/** Problems that make a committed notebook unclean. */
function uncleanReasons(nb) {
  const out = [];
  if (nb.metadata?.kernelspec?.name !== 'tslab')
    out.push(`kernel is '${nb.metadata?.kernelspec?.name}', not tslab`);
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if ((c.outputs ?? []).length > 0) out.push(`cell ${i + 1} has outputs`);
    if (c.execution_count !== null && c.execution_count !== undefined)
      out.push(`cell ${i + 1} has an execution count`);
  });
  return out;
}

if (mode === 'check' || mode === 'strip') {
  let bad = 0;
  for (const f of notebooks) {
    const path = join(HERE, f);
    const nb = JSON.parse(readFileSync(path, 'utf8'));
    if (mode === 'strip') {
      for (const c of nb.cells) {
        if (c.cell_type !== 'code') continue;
        c.outputs = [];
        c.execution_count = null;
      }
      writeFileSync(path, `${JSON.stringify(nb, null, 1)}\n`);
      console.log(`stripped ${f}`);
      continue;
    }
    const reasons = uncleanReasons(nb);
    if (reasons.length > 0) {
      bad++;
      console.error(`${f}: ${reasons.join('; ')} (run: node notebooks/run.mjs --strip)`);
    }
  }
  if (mode === 'check')
    console.log(bad === 0 ? `${notebooks.length} notebooks clean` : `${bad} notebook(s) not clean`);
  process.exit(bad === 0 ? 0 : 1);
}

mkdirSync(OUT, { recursive: true });
const env = {
  ...process.env,
  PATH: `${join(REPO, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
};
let failed = 0;
for (const f of notebooks) {
  const started = Date.now();
  const r = spawnSync(
    'jupyter',
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=tslab',
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
      '--output-dir',
      OUT,
      join(HERE, f),
    ],
    { cwd: HERE, env, encoding: 'utf8' },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.error) {
    console.error(
      `notebooks: cannot run jupyter (${r.error.message}): apt-get install jupyter-nbconvert python3-ipykernel`,
    );
    process.exit(2);
  }
  if (r.status === 0) {
    console.log(`ok    ${f}  ${seconds} s`);
    continue;
  }
  failed++;
  const err = `${r.stderr}`;
  if (/No such kernel named tslab/.test(err)) {
    console.error(
      'notebooks: the tslab kernel is not registered: npx tslab install --python=/usr/bin/python3',
    );
    process.exit(2);
  }
  // nbconvert's CellExecutionError names the cell and the kernel's message; keep that part
  const at = err.lastIndexOf('CellExecutionError');
  console.error(
    `FAIL  ${f}  ${seconds} s\n${(at >= 0 ? err.slice(at) : err).trim().split('\n').slice(0, 40).join('\n')}`,
  );
}
process.exit(failed === 0 ? 0 : 1);
