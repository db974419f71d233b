import type { Command } from 'commander';

export function register(program: Command): void {
  const data = program.command('data').description('candle store: import, fetch, list, export, check');
  void data;
}
