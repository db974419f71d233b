import { dirname } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { rebaseLinks, reportCharts } from '../../reports/report/model.ts';
import { readRunReport } from '../../reports/report/read.ts';
import {
  defaultReportOut,
  REPORT_FORMATS,
  renderReportJson,
  writeReport,
} from '../../reports/report/write.ts';
import { action, formatZodError } from '../run-action.ts';

/** `smc report DIR`: any run directory → its report as HTML, Markdown with PNGs, PNGs or JSON. */

const ReportFlags = z.object({
  format: z
    .enum(REPORT_FORMATS, { error: `--format must be one of ${REPORT_FORMATS.join(', ')}` })
    .default('html'),
  out: z.string().min(1, '--out needs a path').optional(),
  json: z.boolean().default(false),
});

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'build the report of a run directory (backtest, sweep, walkforward, compare or scan; the kind is read ' +
        'from result.json): self-contained HTML, Markdown with one PNG per chart, PNGs, or the summary as JSON',
    )
    .argument('<dir>', 'run directory (holds result.json)')
    .option('--format <format>', `${REPORT_FORMATS.join(' | ')} (default html)`)
    .option(
      '--out <path>',
      'output file (html, md, json) or folder (png); default DIR/report.html, DIR/report.md, DIR/report-png/, ' +
        'and json to stdout',
    )
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  smc report runs/demo\n  smc report runs/sweep-1a2b --format md --out share/sweep.md\n' +
        '  smc report runs/demo --format png --out .local/demo-png\n  smc report runs/demo --format json | jq .metrics.sharpe',
    )
    .action(
      action(async (dir: string, raw: Record<string, unknown>) => {
        const parsed = ReportFlags.safeParse(raw);
        if (!parsed.success) throw new UserError(formatZodError(parsed.error));
        const f = parsed.data;
        const started = performance.now();
        const report = await readRunReport(dir);
        if (f.format === 'json' && f.out === undefined) {
          process.stdout.write(renderReportJson(report));
          return;
        }
        const out = f.out ?? defaultReportOut(dir, f.format);
        // links to the run's signal charts must still resolve from where the report is written
        const written = await writeReport(rebaseLinks(report, dir, dirname(out)), f.format, out);
        const seconds = (performance.now() - started) / 1000;
        if (f.json) {
          const summary = { kind: report.kind, ...written, charts: reportCharts(report).length, seconds };
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${report.kind} report (${reportCharts(report).length} charts, ${seconds.toFixed(2)} s): ${written.out}` +
            `${written.files.length > 1 ? ` (+${written.files.length - 1} files)` : ''}\n`,
        );
      }),
    );
}
