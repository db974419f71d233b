import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';
import { reportFailure } from './run-action.ts';

const program = new Command();
program
  .name('smc')
  .description('smc-lab: backtest-first research and live trading for Smart Money Concepts on Kraken Futures')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (str, write) => write(str) });

await registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFailure(err);
}
