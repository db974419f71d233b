import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../../../data/errors.ts';
import { parseCsv } from '../../run-dir/read.ts';

/** A file of a run directory, or a UserError naming it when missing. */
export function runFile(dir: string, name: string, kind: string): string {
  const p = join(dir, name);
  if (!existsSync(p))
    throw new UserError(`${dir} is not a complete ${kind} run directory: ${name} is missing`);
  return p;
}

/** A JSON file of a run directory validated by `schema`; failures name the file and the fields. */
export function readJson<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** A CSV file as records keyed by its header. */
export function readCsvRecords(path: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined) throw new UserError(`${path}: empty file, expected a header row`);
  return rows
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** A CSV number cell: empty → null. */
export function num(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
}

/** A number for a table: 4 significant digits, integers as is, null as an em dash. */
export function fmtCell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
