import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { type BacktestConfig, parseBacktestConfig } from '../../engine/backtest/config.ts';
import { contentHash } from '../../engine/backtest/hash.ts';

/**
 * Promotion of a backtested config to live (SPEC §6, issue "Promotion"): `smc promote RUN_DIR --name NAME`
 * writes `config/live/NAME.yaml` — the exact config of the run plus its provenance (run id, config hash,
 * data range, key metrics, walk-forward verdict when given) — and `smc live` refuses any config whose hash
 * has no promotion record, unless `--paper`. The hash is the backtest's `configHash` (engine/backtest/hash
 * `contentHash` of the validated config), so a config edited after promotion no longer matches.
 */

export const DEFAULT_LIVE_CONFIG_DIR = 'config/live';

const NameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, '--name must be letters, digits, - or _ (e.g. smc-majors)');

/** The parts of a backtest run's result.json promotion reads. */
const RunResultSchema = z.object({
  kind: z.literal('backtest', { error: 'is not a backtest run (result.json kind must be backtest)' }),
  configHash: z.string().min(16),
  dataHash: z.string().min(16),
  resultHash: z.string().min(16),
  symbols: z.array(z.string().min(1)).min(1),
  baseTimeframe: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()),
  config: z.unknown(),
});

const WalkforwardResultSchema = z.object({
  kind: z.literal('walkforward'),
  dataHash: z.string(),
  efficiency: z.unknown(),
  stability: z.unknown(),
  outOfSample: z.record(z.string(), z.unknown()),
});

export const PromotionSchema = z.object({
  name: NameSchema,
  promoted_at: z.string(),
  run_dir: z.string(),
  run_id: z.string(),
  config_hash: z.string(),
  data_hash: z.string(),
  symbols: z.array(z.string()).min(1),
  base_timeframe: z.string(),
  data_from: z.string().nullable(),
  data_to: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()),
  walk_forward: z.record(z.string(), z.unknown()).nullable(),
});
export type Promotion = z.infer<typeof PromotionSchema>;

const PromotionFileSchema = z.object({ promotion: PromotionSchema, config: z.unknown() });

/** A promoted config as `smc live` runs it. */
export interface LiveConfig {
  config: BacktestConfig;
  configHash: string;
  /** The promotion record, null for a config that was not promoted (paper only). */
  promotion: Promotion | null;
  /** Where the config came from. */
  source: string;
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path))
    throw new UserError(`${what} '${path}' does not exist: give a run directory of smc backtest`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${what} '${path}' is not valid JSON (${(err as Error).message})`);
  }
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

const KEY_METRICS = [
  'totalReturn',
  'cagr',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'closedTrades',
  'winRate',
  'profitFactor',
  'expectancy',
];

/**
 * Writes `<dir>/<name>.yaml` from a backtest run directory (and optionally a walk-forward run's verdict).
 * Refuses a run whose stored config does not hash to its `configHash` (edited by hand), and an existing
 * name unless `force`. Returns the file written and the record.
 */
export function promoteRun(opts: {
  runDir: string;
  name: string;
  dir?: string;
  walkforwardDir?: string;
  force?: boolean;
  /** ISO time of the promotion (the CLI passes the wall clock). */
  at: string;
}): { file: string; promotion: Promotion } {
  const name = NameSchema.safeParse(opts.name);
  if (!name.success) throw new UserError(issues(name.error));
  const parsed = RunResultSchema.safeParse(readJson(join(opts.runDir, 'result.json'), 'run result'));
  if (!parsed.success) throw new UserError(`${opts.runDir}/result.json ${issues(parsed.error)}`);
  const run = parsed.data;
  let config: BacktestConfig;
  try {
    config = parseBacktestConfig(run.config);
  } catch (err) {
    throw new UserError(
      `${opts.runDir}/result.json: its config no longer validates (${(err as Error).message})`,
    );
  }
  const hash = contentHash(config);
  if (hash !== run.configHash) {
    throw new UserError(
      `${opts.runDir}/result.json: the stored config hashes to ${hash.slice(0, 12)}, not the run's ${run.configHash.slice(0, 12)}; ` +
        'rerun the backtest instead of editing its result',
    );
  }
  let walk: Promotion['walk_forward'] = null;
  if (opts.walkforwardDir !== undefined) {
    const wf = WalkforwardResultSchema.safeParse(
      readJson(join(opts.walkforwardDir, 'result.json'), 'walk-forward result'),
    );
    if (!wf.success) throw new UserError(`${opts.walkforwardDir}/result.json ${issues(wf.error)}`);
    walk = {
      run_dir: opts.walkforwardDir,
      data_hash: wf.data.dataHash,
      efficiency: wf.data.efficiency,
      stability: wf.data.stability,
      out_of_sample: wf.data.outOfSample,
    };
  }
  const promotion: Promotion = {
    name: name.data,
    promoted_at: opts.at,
    run_dir: opts.runDir,
    run_id: run.resultHash,
    config_hash: run.configHash,
    data_hash: run.dataHash,
    symbols: run.symbols,
    base_timeframe: run.baseTimeframe,
    data_from: run.from,
    data_to: run.to,
    metrics: Object.fromEntries(KEY_METRICS.filter((k) => k in run.metrics).map((k) => [k, run.metrics[k]])),
    walk_forward: walk,
  };
  const dir = opts.dir ?? DEFAULT_LIVE_CONFIG_DIR;
  const file = join(dir, `${name.data}.yaml`);
  if (existsSync(file) && !opts.force) {
    throw new UserError(`${file} exists: pick another --name, or --force to replace the promotion`);
  }
  mkdirSync(dir, { recursive: true });
  const header =
    `# Promoted by \`smc promote ${opts.runDir} --name ${name.data}\`. \`smc live --config ${file}\` runs exactly\n` +
    '# this config; any edit changes its hash and live mode refuses it until it is promoted again.\n';
  writeFileSync(file, header + stringifyYaml({ promotion, config }, { lineWidth: 0 }));
  return { file, promotion };
}

/** Every promotion record under `dir` (files that are not promotion records are skipped). */
export function listPromotions(dir = DEFAULT_LIVE_CONFIG_DIR): Array<{ file: string; promotion: Promotion }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ file: string; promotion: Promotion }> = [];
  for (const f of readdirSync(dir)
    .filter((x) => /\.ya?ml$/.test(x))
    .sort()) {
    const file = join(dir, f);
    const p = PromotionFileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (p.success) out.push({ file, promotion: p.data.promotion });
  }
  return out;
}

/**
 * The config `smc live --config FILE` runs. A promotion file (config/live/NAME.yaml) must hash to its own
 * record; a plain config is looked up by hash among the promotions. Without a match: refused unless
 * `paper` (the error says how to promote).
 */
export function loadLiveConfig(
  file: string,
  opts: { paper: boolean; dir?: string; loadPlain: (file: string) => BacktestConfig },
): LiveConfig {
  if (!existsSync(file)) throw new UserError(`--config '${file}' does not exist`);
  const raw: unknown = parseYaml(readFileSync(file, 'utf8'));
  const asPromotion = PromotionFileSchema.safeParse(raw);
  if (asPromotion.success) {
    const config = parseBacktestConfig(asPromotion.data.config);
    const hash = contentHash(config);
    if (hash !== asPromotion.data.promotion.config_hash) {
      if (!opts.paper) {
        throw new UserError(
          `${file}: the config was edited after promotion (hash ${hash.slice(0, 12)} ≠ promoted ` +
            `${asPromotion.data.promotion.config_hash.slice(0, 12)}): backtest it and promote it again, or use --paper`,
        );
      }
      return { config, configHash: hash, promotion: null, source: file };
    }
    return { config, configHash: hash, promotion: asPromotion.data.promotion, source: file };
  }
  const config = opts.loadPlain(file);
  const hash = contentHash(config);
  const match = listPromotions(opts.dir).find((p) => p.promotion.config_hash === hash);
  if (!match && !opts.paper) {
    throw new UserError(
      `--config '${file}' (hash ${hash.slice(0, 12)}) was never promoted: backtest it, then ` +
        '`smc promote RUN_DIR --name NAME` and run `smc live --config config/live/NAME.yaml` — or use --paper',
    );
  }
  return { config, configHash: hash, promotion: match?.promotion ?? null, source: file };
}
