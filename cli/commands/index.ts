import type { Command } from 'commander';

/**
 * Every `smc` command, one module each, keyed by the top-level command name. Commands are thin: they parse
 * and validate flags, call the library and print.
 *
 * Only the modules of the command being run are loaded: several pull in native or large packages (DuckDB,
 * ccxt, vega) and loading all of them made every invocation pay ~1–2 s of start-up. `smc --help` and
 * `smc help …` load them all.
 */
type Registrar = (program: Command) => void;
type Loader = () => Promise<{ register: Registrar }>;

const COMMANDS: Record<string, Loader[]> = {
  data: [() => import('./data.ts'), () => import('./data-fetch.ts')],
  'fake-exchange': [() => import('./fake-exchange.ts')],
  indicators: [() => import('./indicators.ts')],
  scan: [() => import('./scan.ts')],
  check: [() => import('./check.ts')],
  backtest: [() => import('./backtest.ts')],
  sweep: [() => import('./sweep.ts')],
  walkforward: [() => import('./walkforward.ts')],
  compare: [() => import('./compare.ts')],
  chart: [() => import('./chart.ts')],
  report: [() => import('./report.ts')],
  demo: [() => import('./demo.ts')],
  live: [() => import('./live.ts')],
  promote: [() => import('./promote.ts')],
  status: [() => import('./status.ts')],
};

export async function registerCommands(
  program: Command,
  argv: readonly string[] = process.argv,
): Promise<void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const selected = name !== undefined && COMMANDS[name] ? COMMANDS[name] : Object.values(COMMANDS).flat();
  for (const load of selected) {
    const mod = await load();
    mod.register(program);
  }
}
