import type { Command } from 'commander';

/**
 * Every `smc` command, one module each. Commands are thin: they parse and validate flags, call the public
 * API and print.
 */
type Registrar = (program: Command) => void;

const registrars: Array<() => Promise<{ register: Registrar }>> = [
  () => import('./data.ts'),
  () => import('./fake-exchange.ts'),
  () => import('./indicators.ts'),
  () => import('./scan.ts'),
  () => import('./demo.ts'),
];

export async function registerCommands(program: Command): Promise<void> {
  for (const load of registrars) {
    const mod = await load();
    mod.register(program);
  }
}
