import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 8: danfojs-node and the Jupyter kernel (tslab) are for notebooks and reports only. The
 * deterministic core and the live process must never load them (a DataFrame library in the hot path, a
 * kernel in a trading process): no file under engine/, strategies/, data/ or live/ imports them.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GUARDED = ['engine', 'strategies', 'data', 'live'];
const FORBIDDEN =
  /\b(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](danfojs(?:-node)?|tslab)(?:\/[^'"]*)?['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

describe('notebook-only packages stay out of the core', () => {
  it('the pattern catches the import forms it must', () => {
    for (const line of [
      "import * as dfd from 'danfojs-node';",
      'const dfd = await import("danfojs-node/dist/index.js");',
      "const k = require('tslab');",
    ]) {
      expect(FORBIDDEN.test(line), line).toBe(true);
    }
    expect(FORBIDDEN.test("import { x } from './danfojs-notes.ts';")).toBe(false);
  });

  it('no file under engine/, strategies/, data/ or live/ imports danfojs-node or tslab', () => {
    const offenders = GUARDED.flatMap((d) => sourceFiles(join(REPO, d)))
      .filter((f) => FORBIDDEN.test(readFileSync(f, 'utf8')))
      .map((f) => relative(REPO, f));
    expect(offenders).toEqual([]);
  });
});
