import type { z } from 'zod';
import { UserError } from '../../../data/errors.ts';
import { contentHash } from '../../backtest/hash.ts';
import { SeededRng } from '../../rng.ts';
import { canonicalJson } from '../hash.ts';
import { getPath, setPath } from './dotted-path.ts';
import type { GridFile, ParamValue, Range, Search } from './grid-file.ts';

/** One swept parameter and its values, in file order. */
export interface ParamAxis {
  path: string;
  values: readonly ParamValue[];
}

/** One configuration of a sweep. `index` is its position in the full grid (stable across runs). */
export interface ExpandedConfig<C> {
  index: number;
  params: Readonly<Record<string, ParamValue>>;
  config: C;
  /** Hash of the fully resolved config (defaults filled): the resume and result-cache key. */
  configHash: string;
}

export interface ExpandedGrid<C> {
  axes: ParamAxis[];
  /** Size of the full cartesian grid. */
  gridSize: number;
  configs: ExpandedConfig<C>[];
  /** Combinations the schema refused and `invalid: skip` dropped, one line each. */
  skipped: string[];
}

/** Largest grid expanded in full; beyond it, use random search. */
export const MAX_GRID_CONFIGS = 1_000_000;
const MAX_RANGE_VALUES = 10_000;

function decimals(x: number): number {
  const s = String(x);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * Values of `{ from, to, step }`, both ends included when `to` lies on the step. Each value is rounded to
 * the decimals of from/step, so 0.5 + 3 × 0.05 is 0.65, not 0.6500000000000001.
 */
export function rangeValues(r: Range): number[] {
  const d = Math.min(15, Math.max(decimals(r.from), decimals(r.step)));
  const count = Math.floor((r.to - r.from) / r.step + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new UserError(
      `a range from ${r.from} to ${r.to} by ${r.step} has ${count} values: use a larger step`,
    );
  }
  return Array.from({ length: count }, (_, i) => Number((r.from + i * r.step).toFixed(d)));
}

/** The axes of a grid file, in file order; repeated values are refused by name. */
export function gridAxes(grid: GridFile): ParamAxis[] {
  const problems: string[] = [];
  const axes = Object.entries(grid.params).map(([path, spec]) => {
    const values = Array.isArray(spec) ? spec : rangeValues(spec);
    const seen = new Set<string>();
    for (const v of values) {
      const key = canonicalJson(v);
      if (seen.has(key)) problems.push(`params.${path}: value ${key} appears twice`);
      seen.add(key);
    }
    return { path, values };
  });
  if (problems.length) throw new UserError(problems.join('; '), problems);
  return axes;
}

/** Indices into each axis of combination `k` (the last axis varies fastest). */
export function combinationAt(axes: readonly ParamAxis[], k: number): number[] {
  const out = new Array<number>(axes.length);
  let rest = k;
  for (let a = axes.length - 1; a >= 0; a--) {
    const n = axes[a].values.length;
    out[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** Grid positions to run: all of them, or `random` distinct ones drawn with the seed, ascending. */
export function selectCombinations(gridSize: number, search: Search): number[] {
  if (search === 'grid') {
    if (gridSize > MAX_GRID_CONFIGS) {
      throw new UserError(
        `the grid has ${gridSize} configs (more than ${MAX_GRID_CONFIGS}): use search: { random: N, seed: S }`,
      );
    }
    return Array.from({ length: gridSize }, (_, i) => i);
  }
  if (search.random >= gridSize) return Array.from({ length: gridSize }, (_, i) => i);
  const rng = new SeededRng(search.seed);
  const picked = new Set<number>();
  while (picked.size < search.random) picked.add(Math.floor(rng.next() * gridSize));
  return [...picked].sort((a, b) => a - b);
}

function describeParams(params: Record<string, ParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${canonicalJson(v)}`)
    .join(', ');
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** The base config resolved by the schema (defaults filled); a UserError when it is refused. */
export function resolveBase<C>(baseConfig: unknown, schema: z.ZodType<C>): C {
  const base = schema.safeParse(baseConfig);
  if (!base.success) throw new UserError(`the base config is invalid: ${zodMessage(base.error)}`);
  return base.data;
}

/**
 * Reports every path the config does not have, each by name with the keys that exist where it goes
 * wrong. `label` prefixes the paths in messages (e.g. `params` or `variants.relaxed_ote`).
 */
export function checkPaths<C>(
  resolved: C,
  probes: ReadonlyArray<{ path: string; value: ParamValue; label: string }>,
  schema: z.ZodType<C>,
): void {
  const unknown: string[] = [];
  for (const { path, value, label } of probes) {
    if (getPath(resolved, path).found) continue;
    // Optional keys without defaults are absent from the resolved config: the schema decides.
    const probe = schema.safeParse(setPath(resolved, path, value));
    if (probe.success && getPath(probe.data, path).found) continue;
    const at = getPath(resolved, path);
    const hint = at.found ? '' : ` (${at.parent || 'the config'} has: ${at.keys.join(', ') || 'no keys'})`;
    unknown.push(`${label}.${path}: not a config path${hint}`);
  }
  if (unknown.length) throw new UserError(`unknown parameter paths: ${unknown.join('; ')}`, unknown);
}

/** `resolved` with each dotted-path override applied, validated by the schema. */
export function applyParams<C>(
  resolved: C,
  params: Readonly<Record<string, ParamValue>>,
  schema: z.ZodType<C>,
): { ok: true; config: C } | { ok: false; message: string } {
  let candidate: unknown = resolved;
  for (const [path, value] of Object.entries(params)) candidate = setPath(candidate, path, value);
  const parsed = schema.safeParse(candidate);
  return parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, message: zodMessage(parsed.error) };
}

/**
 * Expands a grid over `baseConfig` and validates every config against `schema` (the full config schema)
 * before any work starts. Unknown parameter paths and refused values are reported together in one
 * UserError, each by name; with `invalid: skip`, refused combinations are dropped and listed instead.
 */
export function expandGrid<C>(grid: GridFile, baseConfig: unknown, schema: z.ZodType<C>): ExpandedGrid<C> {
  const resolved = resolveBase(baseConfig, schema);
  const axes = gridAxes(grid);
  checkPaths(
    resolved,
    axes.map((a) => ({ path: a.path, value: a.values[0], label: 'params' })),
    schema,
  );

  const gridSize = axes.reduce((n, a) => n * a.values.length, 1);
  const selected = selectCombinations(gridSize, grid.search);
  const configs: ExpandedConfig<C>[] = [];
  const refusals = new Map<string, { count: number; example: string }>();
  const skipped: string[] = [];
  for (const k of selected) {
    const pick = combinationAt(axes, k);
    const params: Record<string, ParamValue> = {};
    axes.forEach((axis, a) => {
      params[axis.path] = axis.values[pick[a]];
    });
    const applied = applyParams(resolved, params, schema);
    if (!applied.ok) {
      const where = `config #${k} (${describeParams(params)})`;
      skipped.push(`${where}: ${applied.message}`);
      const seen = refusals.get(applied.message);
      if (seen) seen.count++;
      else refusals.set(applied.message, { count: 1, example: where });
      continue;
    }
    configs.push({ index: k, params, config: applied.config, configHash: contentHash(applied.config) });
  }
  if (refusals.size && grid.invalid === 'error') {
    const lines = [...refusals].map(
      ([msg, r]) => `${msg} — ${r.count} config${r.count > 1 ? 's' : ''}, e.g. ${r.example}`,
    );
    throw new UserError(
      `the config schema refuses ${skipped.length} of ${selected.length} grid configs (fix the grid or set invalid: skip): ${lines[0]}`,
      lines,
    );
  }
  if (configs.length === 0) throw new UserError('the grid leaves no valid config to run');
  return { axes, gridSize, configs, skipped };
}
