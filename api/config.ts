import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ZodError } from 'zod';
import { loadDefaultsRaw, readYamlFile, resolveConfig } from '../config/load.ts';
import { UserError } from '../data/errors.ts';
import { type BacktestConfig, parseBacktestConfig } from '../engine/backtest/config.ts';
import { SCALAR_METRICS } from '../engine/metrics/compute.ts';
import {
  parseVariantsFile,
  type VariantsFile,
  VariantsFileSchema,
} from '../engine/research/compare/variants-file.ts';
import {
  type GridFile,
  GridFileSchema,
  parseGridFile,
  parseObjective,
} from '../engine/research/grid/grid-file.ts';
import { DEFAULT_STRATEGY_CONFIG, type StrategyConfig, strategySectionOf } from '../strategies/smc/config.ts';
import { formatZodError } from './errors.ts';

/*
 * Loading what a workflow runs from: the config (a YAML file over the shipped defaults, or the same
 * document as an object), grid files and variants files. Every problem is a UserError naming the file,
 * the field and the fix.
 */

/** The package version, recorded in every run directory (result.json) and backtest result. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A config document as a YAML config file holds it: sections (strategy:, risk:, …, backtest:). */
export type ConfigDocument = Readonly<Record<string, unknown>>;

/** Where a config comes from: a YAML file path, or the document itself; undefined = the defaults. */
export type ConfigSource = string | ConfigDocument | undefined;

function documentOf(source: ConfigSource): { doc: Record<string, unknown>; name: string } {
  if (source === undefined) return { doc: {}, name: 'the defaults' };
  if (typeof source === 'string') return { doc: readYamlFile(source), name: source };
  return { doc: { ...source }, name: 'the config object' };
}

/**
 * The base config of a run: the document over the shipped defaults, validated by the config loader
 * (field-by-field messages, cross-field invariants), plus the document's `backtest:` section (strategies
 * to run, trace, safety), which the backtest config adds. Without a source: the defaults.
 */
export function loadResearchConfig(source?: ConfigSource): Record<string, unknown> {
  const { doc, name } = documentOf(source);
  const { backtest, ...rest } = doc;
  const resolved = resolveConfig(rest, { source: name, defaults: loadDefaultsRaw() });
  return { ...resolved, ...(backtest === undefined ? {} : { backtest }) };
}

/** The backtest config of `source` (over the defaults, with its `backtest:` section), validated. */
export function loadBacktestConfig(source?: ConfigSource): BacktestConfig {
  const raw = loadResearchConfig(source);
  try {
    return parseBacktestConfig(raw);
  } catch (err) {
    if (err instanceof ZodError) {
      const name =
        source === undefined ? '(defaults)' : typeof source === 'string' ? source : '(config object)';
      throw new UserError(`invalid config ${name}: ${formatZodError(err)}`);
    }
    throw err;
  }
}

/**
 * The SMC strategy config: the `strategy:` section of a YAML file (or of a config document), validated;
 * the defaults (the seed's gates) without a source.
 */
export function loadStrategyConfig(source?: string | ConfigDocument): StrategyConfig {
  if (source === undefined) return DEFAULT_STRATEGY_CONFIG;
  let doc: unknown = source;
  const name = typeof source === 'string' ? `--config '${source}'` : 'config';
  if (typeof source === 'string') {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      throw new UserError(
        `--config '${source}' cannot be read (${(err as Error).message}): give an existing YAML file`,
      );
    }
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new UserError(`--config '${source}' is not valid YAML: ${(err as Error).message}`);
    }
  }
  try {
    return strategySectionOf(doc);
  } catch (err) {
    if (err instanceof ZodError) throw new UserError(`${name}: ${formatZodError(err)}`);
    throw err;
  }
}

/** A grid as a YAML grid file holds it, before defaults (constraints, search, invalid). */
export type GridInput = z.input<typeof GridFileSchema>;

function checkObjective(grid: GridFile, source: string): GridFile {
  const { metric } = parseObjective(grid.objective);
  if (!(SCALAR_METRICS as readonly string[]).includes(metric)) {
    throw new UserError(
      `${source}: objective '${metric}' is not a metric: use one of ${SCALAR_METRICS.join(', ')} (prefix '-' to minimise)`,
    );
  }
  return grid;
}

/** Reads and checks a grid file and its objective before any work starts. */
export function loadGrid(path: string): GridFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--grid '${path}' cannot be read (${(err as Error).message}): give an existing YAML file`,
    );
  }
  return checkObjective(parseGridFile(text, path), path);
}

/** A grid from a file path ({@link loadGrid}) or an object (validated the same way). */
export function gridOf(grid: string | GridInput): GridFile {
  if (typeof grid === 'string') return loadGrid(grid);
  const parsed = GridFileSchema.safeParse(grid);
  if (!parsed.success) throw new UserError(`grid: ${formatZodError(parsed.error)}`);
  return checkObjective(parsed.data, 'grid');
}

/** A variants file as YAML holds it, before defaults (bootstrap, invalid). */
export type VariantsInput = z.input<typeof VariantsFileSchema>;

/** Reads and checks a variants file. */
export function loadVariants(path: string): VariantsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--variants '${path}' cannot be read (${(err as Error).message}): give an existing YAML file`,
    );
  }
  return parseVariantsFile(text, path);
}

/** Variants from a file path ({@link loadVariants}) or an object (validated the same way). */
export function variantsOf(variants: string | VariantsInput): VariantsFile {
  if (typeof variants === 'string') return loadVariants(variants);
  const parsed = VariantsFileSchema.safeParse(variants);
  if (!parsed.success) throw new UserError(`variants: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
