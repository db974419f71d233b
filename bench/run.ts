import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [-- --only NAME] [-- --csv FILE]`: runs every bench/*.bench.ts in name order. Each module
 * exports `run(args: string[]): Promise<void>` and prints its own figures and the ratio to its target.
 */
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.includes(only))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${only ?? '(none found)'}\n`);
  process.exitCode = 1;
}
for (const f of files) {
  process.stdout.write(`\n== ${f.replace('.bench.ts', '')} ==\n`);
  const mod = (await import(join(here, f))) as { run: (a: string[]) => Promise<void> };
  await mod.run(args);
}
