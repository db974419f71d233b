import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../../data/errors.ts';

/**
 * A sweep grid file (YAML):
 * ```yaml
 * objective: sharpe            # any metric name of a backtest result; '-name' minimises
 * constraints: { min_trades: 30 }
 * search: grid                 # or { random: 200, seed: 7 }
 * invalid: error               # or skip: drop combinations the config schema refuses
 * params:                      # dotted paths into the config: a list, or { from, to, step }
 *   strategy.ote.enabled: [true, false]
 *   strategy.ote.zone_low: { from: 0.5, to: 0.7, step: 0.05 }
 * ```
 * Random search draws distinct combinations of the same discrete grid (seeded), so it is a subset of what
 * `search: grid` would run and results are shared between the two.
 */

const PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/;
const OBJECTIVE_RE = /^-?[A-Za-z_][A-Za-z0-9_.]*$/;

/** A parameter value: a scalar or any JSON value the config accepts at that path (e.g. a list of regimes). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };
const ParamValueSchema: z.ZodType<ParamValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, 'values must be finite numbers'),
    z.boolean(),
    z.null(),
    z.array(ParamValueSchema),
    z.record(z.string(), ParamValueSchema),
  ]),
);

export const RangeSchema = z
  .object({
    from: z.number({ error: 'from must be a number' }),
    to: z.number({ error: 'to must be a number' }),
    step: z.number({ error: 'step must be a number' }).positive('step must be > 0'),
  })
  .strict()
  .refine((r) => r.to >= r.from, { message: 'to must be ≥ from' });
export type Range = z.infer<typeof RangeSchema>;

export const SearchSchema = z.union(
  [
    z.literal('grid'),
    z
      .object({
        random: z.number().int().positive('random must be a whole number of configs > 0'),
        seed: z.number().int('seed must be a whole number'),
      })
      .strict(),
  ],
  { error: "search must be 'grid' or { random: N, seed: S }" },
);
export type Search = z.infer<typeof SearchSchema>;

export const GridFileSchema = z
  .object({
    objective: z
      .string({ error: "objective must be a metric name, e.g. 'sharpe' or '-max_drawdown'" })
      .regex(OBJECTIVE_RE, "objective must be a metric name, optionally prefixed with '-' to minimise"),
    constraints: z
      .object({
        min_trades: z.number().int().min(0, 'constraints.min_trades must be ≥ 0').default(0),
      })
      .strict()
      .prefault({}),
    search: SearchSchema.default('grid'),
    invalid: z.enum(['error', 'skip'], { error: "invalid must be 'error' or 'skip'" }).default('error'),
    params: z
      .record(
        z.string().regex(PATH_RE, 'parameter paths are dotted config paths, e.g. strategy.ote.zone_low'),
        z.union([z.array(ParamValueSchema).min(1, 'a value list needs at least one value'), RangeSchema], {
          error: 'each parameter takes a list of values or { from, to, step }',
        }),
      )
      .refine((p) => Object.keys(p).length > 0, { message: 'params needs at least one parameter' }),
  })
  .strict();
export type GridFile = z.output<typeof GridFileSchema>;

/** The objective as a metric name and a direction. */
export interface Objective {
  metric: string;
  minimise: boolean;
}

export function parseObjective(objective: string): Objective {
  return objective.startsWith('-')
    ? { metric: objective.slice(1), minimise: true }
    : { metric: objective, minimise: false };
}

/** Parses and validates grid YAML; errors name the file and the field. */
export function parseGridFile(text: string, source = 'grid file'): GridFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UserError(`${source}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = GridFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new UserError(`${source}: ${lines.join('; ')}`, lines);
  }
  return parsed.data;
}
