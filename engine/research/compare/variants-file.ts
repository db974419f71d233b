import { parse as parseYaml } from 'yaml';
import type { z as zod } from 'zod';
import { z } from 'zod';
import { UserError } from '../../../data/errors.ts';
import { contentHash } from '../../backtest/hash.ts';
import { applyParams, checkPaths, resolveBase } from '../grid/expand.ts';
import type { ParamValue } from '../grid/grid-file.ts';

/**
 * A variants file (YAML): named variants as overrides of the base config, by dotted path, compared on the
 * same data against a baseline.
 * ```yaml
 * baseline: default            # default: the first variant
 * invalid: error               # or skip: run the others when the schema refuses a variant (reported)
 * bootstrap: { seed: 7, resamples: 2000, method: stationary }   # block_length: default ⌈days^(1/3)⌉
 * variants:
 *   default: {}
 *   relaxed_ote: { strategy.ote.tolerance: 0.05 }
 * ```
 */
const NAME_RE = /^[A-Za-z0-9_-]+$/;
const PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/;

const ValueSchema: z.ZodType<ParamValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(ValueSchema),
    z.record(z.string(), ValueSchema),
  ]),
);

export const VariantsFileSchema = z
  .object({
    baseline: z.string().regex(NAME_RE, 'baseline must name a variant').optional(),
    invalid: z.enum(['error', 'skip'], { error: "invalid must be 'error' or 'skip'" }).default('error'),
    bootstrap: z
      .object({
        seed: z.number().int('bootstrap.seed must be a whole number').default(7),
        resamples: z.number().int().min(100, 'bootstrap.resamples must be ≥ 100').default(2000),
        block_length: z.number().positive('bootstrap.block_length must be > 0').optional(),
        method: z
          .enum(['stationary', 'moving'], { error: "bootstrap.method must be 'stationary' or 'moving'" })
          .default('stationary'),
        confidence: z.number().gt(0).lt(1, 'bootstrap.confidence must be in (0, 1)').default(0.95),
      })
      .strict()
      .prefault({}),
    variants: z
      .record(
        z.string().regex(NAME_RE, 'variant names use letters, digits, _ and -'),
        z
          .record(
            z.string().regex(PATH_RE, 'overrides are dotted config paths, e.g. strategy.ote.tolerance'),
            ValueSchema,
          )
          .nullable(),
      )
      .refine((v) => Object.keys(v).length >= 2, {
        message: 'variants needs a baseline and at least one other variant',
      }),
  })
  .strict()
  .refine((f) => f.baseline === undefined || Object.hasOwn(f.variants, f.baseline), {
    message: 'baseline must be one of the variants',
    path: ['baseline'],
  });
export type VariantsFile = z.output<typeof VariantsFileSchema>;

export function parseVariantsFile(text: string, source = 'variants file'): VariantsFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UserError(`${source}: not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = VariantsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new UserError(`${source}: ${lines.join('; ')}`, lines);
  }
  return parsed.data;
}

export interface ResolvedVariant<C> {
  /** Position in the file: the grid-style index of the variant. */
  index: number;
  name: string;
  params: Readonly<Record<string, ParamValue>>;
  config: C;
  configHash: string;
}

/**
 * Every variant's config, validated against the full config schema before anything runs; unknown paths
 * and refused values are reported together, each with its variant's name.
 */
export function resolveVariants<C>(
  file: VariantsFile,
  baseConfig: unknown,
  schema: zod.ZodType<C>,
): { baseline: string; variants: ResolvedVariant<C>[]; skipped: string[] } {
  const resolved = resolveBase(baseConfig, schema);
  const entries = Object.entries(file.variants).map(([name, o]) => [name, o ?? {}] as const);
  checkPaths(
    resolved,
    entries.flatMap(([name, o]) =>
      Object.entries(o).map(([path, value]) => ({ path, value, label: `variants.${name}` })),
    ),
    schema,
  );
  const problems: string[] = [];
  const variants: ResolvedVariant<C>[] = [];
  entries.forEach(([name, params], index) => {
    const applied = applyParams(resolved, params, schema);
    if (!applied.ok) problems.push(`variants.${name}: ${applied.message}`);
    else
      variants.push({ index, name, params, config: applied.config, configHash: contentHash(applied.config) });
  });
  const baseline = file.baseline ?? entries[0][0];
  const baselineRefused = !variants.some((v) => v.name === baseline);
  if (problems.length && (file.invalid === 'error' || baselineRefused)) {
    throw new UserError(`the config schema refuses ${problems.length} variant(s): ${problems[0]}`, problems);
  }
  if (variants.length < 2) throw new UserError('fewer than two variants are left to compare', problems);
  return { baseline, variants, skipped: problems };
}
