import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { action, formatZodError } from '../run-action.ts';

const PromoteFlags = z.object({
  name: z.string().min(1, '--name is required'),
  dir: z.string().min(1).default('config/live'),
  walkforward: z.string().min(1).optional(),
  force: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command): void {
  program
    .command('promote')
    .description(
      'promote the config of a backtest run to live: writes config/live/NAME.yaml with provenance (run id, config ' +
        'hash, data range, key metrics, walk-forward verdict); smc live runs only promoted configs',
    )
    .argument('<run-dir>', 'run directory of smc backtest (holds result.json)')
    .requiredOption('--name <name>', 'name of the live config (letters, digits, - or _)')
    .option('--walkforward <dir>', 'walk-forward run directory whose out-of-sample verdict to record')
    .option('--dir <dir>', 'where promoted configs live', 'config/live')
    .option('--force', 'replace an existing promotion of that name')
    .option('--json', 'print the promotion record as JSON')
    .action(
      action(async (runDir: string, raw: Record<string, unknown>) => {
        const parsed = PromoteFlags.safeParse(raw);
        if (!parsed.success) throw new UserError(formatZodError(parsed.error));
        const f = parsed.data;
        const { promoteRun } = await import('../../live/promotion/promotion.ts');
        const { file, promotion } = promoteRun({
          runDir,
          name: f.name,
          dir: f.dir,
          force: f.force,
          at: new Date().toISOString(),
          ...(f.walkforward ? { walkforwardDir: f.walkforward } : {}),
        });
        if (f.json) process.stdout.write(`${JSON.stringify({ file, promotion }, null, 2)}\n`);
        else
          process.stdout.write(
            `promoted ${runDir} as ${file} (config ${promotion.config_hash.slice(0, 12)}, ${promotion.symbols.join(', ')} ` +
              `${promotion.base_timeframe})\n  run it: smc live --config ${file}   (paper first: add --paper)\n`,
          );
      }),
    );
}
