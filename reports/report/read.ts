import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../data/errors.ts';
import { readChartIndex } from '../chart/run-charts.ts';
import { readBacktestRun } from '../run-dir/read.ts';
import { backtestReport } from './kinds/backtest.ts';
import { compareReport, readCompareRun } from './kinds/compare.ts';
import { readJson } from './kinds/read-util.ts';
import { readScanRun, scanReport } from './kinds/scan.ts';
import { readSweepRun, sweepReport } from './kinds/sweep.ts';
import { readWalkForwardRun, walkForwardReport } from './kinds/walkforward.ts';
import { RUN_KINDS, type RunKind, type RunReport } from './model.ts';
import { renderReportHtml } from './render-html.ts';

const KindSchema = z.object({
  kind: z.enum(RUN_KINDS, {
    error: `result.json: kind must be one of ${RUN_KINDS.join(', ')} (is this a run directory?)`,
  }),
});

/** The kind of a run directory, from its result.json. */
export function runKindOf(dir: string): RunKind {
  const path = join(dir, 'result.json');
  if (!existsSync(path)) {
    throw new UserError(
      `${dir} is not a run directory: no result.json there (smc backtest, sweep, walkforward, compare and scan --out write one)`,
    );
  }
  return readJson(path, KindSchema).kind;
}

/** Reads any run directory and builds its report (the kind comes from result.json). */
export async function readRunReport(dir: string): Promise<RunReport> {
  const kind = runKindOf(dir);
  switch (kind) {
    case 'backtest':
      return backtestReport(await readBacktestRun(dir), { charts: readChartIndex(dir) });
    case 'sweep':
      return sweepReport(readSweepRun(dir));
    case 'walkforward':
      return walkForwardReport(readWalkForwardRun(dir));
    case 'compare':
      return compareReport(readCompareRun(dir));
    case 'scan':
      return scanReport(readScanRun(dir));
  }
}

/**
 * Builds the report of a run directory from its files and writes it as `report.html` there: what the
 * sweep, walk-forward, compare and scan workflows call once their files are written, so the command's
 * report and `smc report DIR` are the same page.
 */
export async function writeRunReportHtml(dir: string): Promise<string> {
  const path = join(dir, 'report.html');
  writeFileSync(path, await renderReportHtml(await readRunReport(dir)));
  return path;
}
