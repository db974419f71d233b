import { join } from 'node:path';
import { contentHash } from '../engine/backtest/hash.ts';
import { computeMetrics, SCALAR_METRICS } from '../engine/metrics/compute.ts';
import type { VariantsFile } from '../engine/research/compare/variants-file.ts';
import { resolveVariants } from '../engine/research/compare/variants-file.ts';
import { ResearchConfigSchema } from '../engine/research/config-schema.ts';
import type { ConfigOutcome } from '../engine/research/outcome.ts';
import type { ProgressInfo } from '../engine/research/pool/progress.ts';
import type { WalkForwardResult } from '../engine/research/walkforward.ts';
import type { CandleQuery } from './candles.ts';
import { type ConfigSource, type GridInput, loadResearchConfig } from './config.ts';
import type { ProgressCallback, WarningCallback } from './progress.ts';
import { type Duration, type WalkForwardComplete, walkForward } from './walkforward.ts';

/**
 * `smc compare --variants FILE --train D --test D`: every variant walk-forward on the same data and
 * windows, then compared on its stitched out-of-sample returns — the way to test a claim such as the
 * seed's "78.9% win rate" on data its parameters were not chosen on. Each variant's walk-forward is a
 * full `smc walkforward` run directory under the comparison's (windows.csv, oos-equity.csv,
 * oos-trades.csv, report.html); without a grid a window's "optimisation" is the variant itself (the
 * seed froze its parameters), with one every window optimises the grid over the variant.
 */
export interface CompareWalkForwardOptions {
  readonly train: Duration;
  readonly test: Duration;
  readonly step?: Duration;
  readonly anchored?: boolean;
  /** Grid optimised over each variant per window; default none (each variant as it is). */
  readonly grid?: string | GridInput;
}

/** One variant's stitched out-of-sample run, as a comparison entry. */
export interface WalkForwardVariant {
  readonly name: string;
  readonly runDir: string;
  readonly outcome: ConfigOutcome;
  readonly run: WalkForwardComplete;
}

/** All variants walked forward, or the run directory of the one an abort stopped. */
export type WalkForwardVariants =
  | {
      readonly complete: true;
      /** The comparison's directory; each variant's walk-forward is in a folder of it. */
      readonly runDir: string;
      readonly variants: WalkForwardVariant[];
      readonly baseline: string;
      /** Configs tried: variants × configs per window (the deflated Sharpe ratio's N). */
      readonly trials: number;
      readonly meta: Record<string, unknown>;
    }
  | { readonly complete: false; readonly runDir: string };

/** The single-point grid that runs a variant as it is (decision trace off: a research run needs counts). */
const AS_IS: GridInput = { objective: 'sharpe', params: { 'backtest.trace': ['none'] } };

/**
 * The stitched OOS run as a ConfigOutcome: metrics by engine/metrics over the chained equity curve
 * (scaled to the first test run's starting equity) and the test runs' trades; the daily returns of the
 * chained curve; the test runs' funnels summed.
 */
export function outcomeOfWalkForward(wf: WalkForwardResult, oosHash: string): ConfigOutcome {
  const st = wf.stitched;
  const tested = wf.windows.flatMap((w) => (w.testOutcome ? [w.testOutcome] : []));
  const start = tested[0]?.metrics.startEquity ?? 1;
  const m = computeMetrics({
    curve: { ts: Float64Array.from(st.ts), equity: Float64Array.from(st.equity, (e) => e * start) },
    trades: st.trades,
    startEquity: start,
  });
  const metrics: Record<string, number | null> = {};
  for (const k of SCALAR_METRICS) metrics[k] = m[k];
  const funnel: Record<string, Record<string, number>> = {};
  for (const o of tested) {
    for (const [id, row] of Object.entries(o.funnel ?? {})) {
      const acc = funnel[id] ?? {};
      funnel[id] = acc;
      for (const [k, v] of Object.entries(row)) acc[k] = (acc[k] ?? 0) + v;
    }
  }
  return {
    metrics,
    trades: m.trades,
    resultHash: oosHash,
    firstDay: st.days.length > 0 ? st.days[0] : null,
    daily: st.daily,
    finalEquity: m.finalEquity,
    funnel,
  };
}

export interface WalkForwardVariantsOptions extends CandleQuery {
  readonly file: VariantsFile;
  readonly config?: ConfigSource;
  readonly walkForward: CompareWalkForwardOptions;
  readonly workers?: number;
  readonly runDir?: string;
  /** Overall progress: backtests done over every variant's windows. */
  readonly onProgress?: ProgressCallback<ProgressInfo & { variant: string }>;
  readonly onWarning?: WarningCallback;
  readonly signal?: AbortSignal;
}

/** Walks every variant of `file` forward over the same windows (sequentially; each in the workers). */
export async function walkForwardVariants(opts: WalkForwardVariantsOptions): Promise<WalkForwardVariants> {
  const resolved = resolveVariants(opts.file, loadResearchConfig(opts.config), ResearchConfigSchema);
  for (const line of resolved.skipped)
    opts.onWarning?.(`skipped (invalid: skip): ${line}`, 'variant-skipped');
  const wfSpec = {
    train: opts.walkForward.train,
    test: opts.walkForward.test,
    step: opts.walkForward.step ?? null,
    anchored: opts.walkForward.anchored ?? false,
    grid: opts.walkForward.grid ?? null,
  };
  const runDir =
    opts.runDir ??
    join(
      'runs',
      `compare-wf-${contentHash({
        configs: resolved.variants.map((v) => v.configHash),
        wfSpec,
        scope: [opts.symbols ?? null, opts.timeframe ?? null, opts.from ?? null, opts.to ?? null],
      }).slice(0, 12)}`,
    );
  const out: WalkForwardVariant[] = [];
  let before = 0;
  for (const v of resolved.variants) {
    const dir = join(runDir, v.name);
    const { walkForward: _wf, file: _file, config: _config, runDir: _rd, onProgress, ...query } = opts;
    const run = await walkForward({
      ...query,
      config: v.config,
      grid: opts.walkForward.grid ?? AS_IS,
      train: opts.walkForward.train,
      test: opts.walkForward.test,
      ...(opts.walkForward.step === undefined ? {} : { step: opts.walkForward.step }),
      anchored: opts.walkForward.anchored ?? false,
      out: dir,
      // every variant runs the same windows × configs: the total is known after the first
      onProgress:
        onProgress &&
        ((done, total, p) => {
          const all = total * resolved.variants.length;
          onProgress(before + done, all, { ...p, done: before + done, total: all, variant: v.name });
        }),
    });
    if (!run.complete) return { complete: false, runDir: dir };
    before += run.windows * (run.configsPerWindow + 1);
    out.push({ name: v.name, runDir: dir, outcome: outcomeOfWalkForward(run.result, run.oosHash), run });
  }
  const perWindow = Math.max(1, ...out.map((o) => o.run.configsPerWindow));
  return {
    complete: true,
    runDir,
    variants: out,
    baseline: resolved.baseline,
    trials: out.length * perWindow,
    meta: {
      walkForward: wfSpec,
      variants: out.map((o) => ({
        name: o.name,
        runDir: o.runDir,
        windows: o.run.windows,
        configsPerWindow: o.run.configsPerWindow,
        efficiency: o.run.efficiency,
        outOfSample: o.run.outOfSample,
        oosHash: o.run.oosHash,
        params: resolved.variants.find((r) => r.name === o.name)?.params ?? {},
      })),
    },
  };
}
