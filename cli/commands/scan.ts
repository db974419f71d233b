import type { Command } from 'commander';
import { scan } from '../../api/scan.ts';
import { formatFunnelTable } from '../../strategies/smc/funnel.ts';
import { parseCandleScope, type RawScopeOptions, TIMEFRAME_HELP } from '../options.ts';
import { progressDriver } from '../progress.ts';
import { action } from '../run-action.ts';

/** `smc scan`: flags → api/scan.ts → the gate funnel (a table or --json). */

interface ScanFlags extends RawScopeOptions {
  config?: string;
  source?: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description(
      'run the SMC decision pipeline over stored candles and print the gate funnel: how many candidate ' +
        'decisions each gate rejected and how many became signals, per symbol and in total (1h/4h/1d are ' +
        'resampled from the base timeframe)',
    )
    .option(
      '--config <file>',
      'YAML config; its strategy: section sets the gate variant (defaults: the seed)',
    )
    .option(
      '--symbols <list>',
      'comma-separated symbols (default: every symbol stored on the base timeframe)',
    )
    .option('--timeframe <tf>', `${TIMEFRAME_HELP}; default the shortest of 15m, 1h stored per symbol`)
    .option('--from <date>', 'first decision time counted (earlier bars are loaded for warm-up)')
    .option('--to <date>', 'decisions before this time are counted')
    .option('--source <name>', 'candle source when a symbol is stored from several')
    .option('--db <file>', 'candle store (DuckDB file)')
    .option('--out <dir>', 'also write a run directory (result.json, report.html) for smc report')
    .option('--json', 'print the funnel as JSON')
    .action(
      action(async (flags: ScanFlags) => {
        const scope = parseCandleScope(flags);
        const bar = progressDriver({ json: scope.json });
        const outcome = await scan({
          ...scope,
          ...(flags.source === undefined ? {} : { source: flags.source }),
          config: flags.config,
          ...(flags.out === undefined ? {} : { out: flags.out }),
          onProgress: (done, total) => {
            bar.report(done, total, 'loading');
            if (done === total) bar.stop();
          },
        }).finally(() => bar.stop());
        const { config, funnel } = outcome;
        const bases = outcome.series;
        if (scope.json) {
          const series = bases.map((b) => ({
            source: b.source,
            symbol: b.symbol,
            timeframe: b.timeframe,
            bars: b.length,
          }));
          process.stdout.write(
            `${JSON.stringify({ config: { strategy: config }, series, funnel, ...(outcome.runDir === undefined ? {} : { runDir: outcome.runDir }) }, null, 2)}\n`,
          );
          return;
        }
        const tfs = [...new Set(bases.map((b) => b.timeframe))].join(', ');
        process.stdout.write(
          `SMC gate funnel (base ${tfs}; decision structure ${config.structure.timeframe}` +
            `${config.structure.accept_1h_fallback ? ' + 1h fallback' : ''}; OTE ` +
            `${config.ote.enabled ? `${config.ote.zone_low}–${config.ote.zone_high} ±${config.ote.tolerance}` : 'off'}; ` +
            `regimes ${config.regimes.allowed.join(',')}; score ≥ ${config.score.threshold})\n\n`,
        );
        process.stdout.write(`${formatFunnelTable(funnel)}\n`);
        if (outcome.runDir !== undefined) process.stdout.write(`\nreport: ${outcome.runDir}/report.html\n`);
      }),
    );
}
