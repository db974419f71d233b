import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ZodError, z } from 'zod';
import { UserError } from '../data/errors.ts';
import { type SmcConfig, SmcConfigSchema, SmcConfigShape } from './schema.ts';

/**
 * Loading a config: the defaults in config/defaults/ (config.yaml + safety.yaml), deep-merged with the
 * user's YAML file and any overrides (objects merge key by key; arrays and scalars replace), validated by
 * the zod schema including the cross-field invariants. Any problem is a UserError whose lines name the
 * field path, what is wrong and the fix; unknown keys are refused with the closest known key.
 */

export const DEFAULTS_DIR: string = fileURLToPath(new URL('./defaults/', import.meta.url));

type Plain = Record<string, unknown>;

function isPlain(x: unknown): x is Plain {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `over` merged onto `base`: nested objects key by key, everything else (arrays, null) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlain(base) || !isPlain(over)) return over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Reads one YAML file as a mapping (an empty file is an empty mapping). */
export function readYamlFile(path: string): Plain {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read config file ${path}: ${err instanceof Error ? err.message : String(err)}; check the --config path`,
    );
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UserError(
      `config file ${path} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlain(doc)) {
    throw new UserError(
      `config file ${path} must be a mapping of sections (strategy:, risk:, positions:, safety:, sim:)`,
    );
  }
  return doc;
}

/** The shipped defaults as one raw object (before validation). */
export function loadDefaultsRaw(dir: string = DEFAULTS_DIR): Plain {
  const main = readYamlFile(`${dir}/config.yaml`);
  const safety = readYamlFile(`${dir}/safety.yaml`);
  return deepMerge(main, safety) as Plain;
}

function at(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isPlain(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

const SCHEMA_DEFAULTS: unknown = SmcConfigShape.parse({});

/** "path.key: unknown key — did you mean …?; remove it …" for the key at the end of `path`. */
function unknownKeyLine(path: readonly PropertyKey[], defaults: unknown, source: string): string {
  const key = String(path[path.length - 1]);
  const known = at(defaults, path.slice(0, -1));
  const names = isPlain(known) ? Object.keys(known) : [];
  const best = names.map((n) => ({ n, d: editDistance(key, n) })).sort((a, b) => a.d - b.d)[0];
  const hint =
    best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? ` — did you mean '${best.n}'?` : '';
  return `${path.map(String).join('.')}: unknown key${hint}; remove it or fix its spelling in ${source} (known keys here: ${names.join(', ')})`;
}

/** Paths of keys present in `input` objects but missing from the parsed `output` (stripped by a schema). */
function strippedKeys(input: unknown, output: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (!isPlain(input) || !isPlain(output)) return [];
  const out: PropertyKey[][] = [];
  for (const [k, v] of Object.entries(input)) {
    if (!(k in output)) out.push([...path, k]);
    else out.push(...strippedKeys(v, output[k], [...path, k]));
  }
  return out;
}

/** One line per zod issue: field path, problem, fix. `defaults` supplies known keys and default values. */
export function describeConfigIssues(
  err: ZodError,
  input: unknown,
  source: string,
  defaults: unknown = SCHEMA_DEFAULTS,
): string[] {
  const lines: string[] = [];
  for (const issue of err.issues) {
    const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(unknownKeyLine([...issue.path, key], defaults, source));
      continue;
    }
    if (issue.code === 'custom') {
      lines.push(`${where}: ${issue.message}`);
      continue;
    }
    const got = at(input, issue.path);
    const def = at(defaults, issue.path);
    const defText = def === undefined ? '' : ` (default ${JSON.stringify(def)})`;
    lines.push(
      `${where}: ${issue.message}, got ${JSON.stringify(got)}; fix the value in ${source} or remove it to use the default${defText}`,
    );
  }
  return lines;
}

export interface ResolveOptions {
  /** Names the input in messages (a file path, "the sweep grid"). */
  readonly source?: string;
  /** Raw defaults to merge under the input (default: config/defaults/*.yaml). */
  readonly defaults?: Plain;
}

/**
 * Validates `user` merged over the defaults with `schema` — the full config schema, or one that extends
 * it (e.g. the backtest config adds a `backtest:` section). Failures are a UserError: the first problem
 * in the message, all of them in `details`, each naming the field path and the fix.
 */
export function resolveConfigWith<S extends z.ZodType>(
  schema: S,
  user: unknown = {},
  opts: ResolveOptions = {},
): z.output<S> {
  const source = opts.source ?? 'the config';
  if (user !== undefined && user !== null && !isPlain(user)) {
    throw new UserError(
      `${source} must be a mapping of sections (strategy:, risk:, positions:, safety:, sim:)`,
    );
  }
  const merged = deepMerge(opts.defaults ?? loadDefaultsRaw(), user ?? {});
  const r = schema.safeParse(merged);
  const probe = schema.safeParse({});
  const defaults = probe.success ? probe.data : SCHEMA_DEFAULTS;
  if (r.success) {
    // A section whose schema is not strict drops unknown keys silently; refuse them here all the same.
    const stripped = strippedKeys(merged, r.data);
    if (stripped.length === 0) return r.data;
    const lines = stripped.map((path) => unknownKeyLine(path, defaults, source));
    const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : '';
    throw new UserError(`invalid config ${source}: ${lines[0]}${more}`, lines);
  }
  const lines = describeConfigIssues(r.error, merged, source, defaults);
  const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : '';
  throw new UserError(`invalid config ${source}: ${lines[0]}${more}`, lines);
}

/** {@link resolveConfigWith} for the trading config (config/schema.ts). */
export function resolveConfig(user: unknown = {}, opts: ResolveOptions = {}): SmcConfig {
  return resolveConfigWith(SmcConfigSchema, user, opts);
}

/** Loads `file` (YAML) over the defaults, then `overrides` over that. Without a file: the defaults. */
export function loadConfig(file?: string, opts: { overrides?: unknown } = {}): SmcConfig {
  const user = file ? readYamlFile(file) : {};
  return resolveConfig(deepMerge(user, opts.overrides), { source: file ?? 'the defaults' });
}
