import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SAMPLE_DIR } from '../../data/io/bundled-sample.ts';
import { importCandleFile } from '../../data/io/import-candles.ts';
import { CandleStore } from '../../data/store/candle-store.ts';
import { syntheticSeries } from '../../data/synthetic/index.ts';

/**
 * Every report kind, seen in a real browser (issue 8 item 5): each report is built through the `smc`
 * command on a small data set, opened from disk in headless Chromium (Debian's `chromium`, driven by
 * playwright-core), and must log no console error, load nothing from the network (reports open offline)
 * and draw marks in every chart. A full-page screenshot of each goes to .local/screenshots/<kind>.png.
 *
 * Every report kind must show charts (no kind may pass with none), and `smc report DIR` must rebuild the
 * same page from the run directory's files as the command wrote. The backtest report links its trades
 * and rejected candidates to pre-drawn signal charts; one of those pages is opened too.
 *
 * To cover a new report kind, add a row to REPORT_KINDS: how to build it (returns the HTML path) and how
 * many charts it must at least show.
 */

const CHROMIUM = process.env.SMC_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  // visible in the vitest output, so a skipped run is never mistaken for a pass
  console.warn(
    `test/browser skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SMC_CHROMIUM)`,
  );
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'smc.mjs');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SCREENSHOTS = join(REPO, '.local', 'screenshots');
const BUILD_TIMEOUT = 120_000;

/** Runs `smc ARGS`; resolves with stdout, rejects with the command's stderr on a non-zero exit. */
function smc(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`smc ${args[0]} exited ${code}: ${err.trim()}`)),
    );
  });
}

interface Workspace {
  readonly root: string;
  /** Real BTC 1h candles (bundled sample), for the SMC backtest and its signal charts. */
  readonly sampleDb: string;
  /** Synthetic 1h candles of two symbols, for the fast EMA research runs. */
  readonly synthDb: string;
}

interface ReportKind {
  readonly kind: string;
  /** Builds the report; returns the path of its HTML file. */
  readonly build: (ws: Workspace) => Promise<string>;
  /** Charts (inline SVG) the page must show at least (≥ 1). */
  readonly minCharts: number;
  /** The run directory, when `smc report DIR` must rebuild the same page from it. */
  readonly runDir?: (ws: Workspace) => string;
}

const config = join(FIXTURES, 'ema-config.yaml');
const grid = join(FIXTURES, 'ema-grid.yaml');

let backtestDir: Promise<string> | undefined;
/** The SMC backtest run directory (built once: the backtest report and the signal chart both use it). */
function backtestRun(ws: Workspace): Promise<string> {
  const dir = join(ws.root, 'backtest');
  backtestDir ??= smc([
    'backtest',
    '--db',
    ws.sampleDb,
    '--symbols',
    'BTC',
    '--timeframe',
    '1h',
    '--to',
    '2021-01-01',
    '--out',
    dir,
  ]).then(() => dir);
  return backtestDir;
}

const REPORT_KINDS: readonly ReportKind[] = [
  {
    kind: 'backtest',
    // equity, drawdown, monthly returns, return distribution, P&L vs holding, exits, symbols, funnel
    minCharts: 8,
    build: async (ws) => join(await backtestRun(ws), 'report.html'),
    runDir: (ws) => join(ws.root, 'backtest'),
  },
  {
    kind: 'trade-chart',
    minCharts: 1,
    build: async (ws) => {
      const run = await backtestRun(ws);
      const html = readFileSync(join(run, 'report.html'), 'utf8');
      const links = [...html.matchAll(/href="(charts\/[^"]+\.html)"/g)].map((m) => m[1]);
      expect(links.length, 'the backtest report links no signal chart').toBeGreaterThan(0);
      for (const l of links) expect(existsSync(join(run, l)), `${l} is linked but missing`).toBe(true);
      expect(
        links.some((l) => l.endsWith('-rejected.html')),
        'no rejected candidate is linked',
      ).toBe(true);
      // written elsewhere (Markdown to share), the report's chart links still resolve
      const md = join(ws.root, 'share', 'backtest.md');
      await smc(['report', run, '--format', 'md', '--out', md]);
      const mdLinks = [...readFileSync(md, 'utf8').matchAll(/\]\(([^)]*charts\/[^)]+\.html)\)/g)].map(
        (m) => m[1],
      );
      expect(mdLinks.length).toBe(links.length);
      for (const l of mdLinks)
        expect(existsSync(join(ws.root, 'share', l)), `${l} does not resolve`).toBe(true);
      return join(run, links[0]);
    },
  },
  {
    kind: 'signal-chart',
    minCharts: 1,
    build: async (ws) => {
      const run = await backtestRun(ws);
      // the first trade's entry, else a fixed time: either way a decision with its trace
      const firstTrade = readFileSync(join(run, 'trades.csv'), 'utf8').split('\n')[1]?.split(',')[3];
      const at = firstTrade && firstTrade.length > 0 ? firstTrade : '2020-08-04T17:00';
      const out = join(ws.root, 'chart.html');
      await smc(['chart', '--db', ws.sampleDb, '--run', run, '--symbol', 'BTC', '--at', at, '--out', out]);
      return out;
    },
  },
  {
    kind: 'sweep',
    // heat map of the two parameters, parameter sensitivity
    minCharts: 2,
    runDir: (ws) => join(ws.root, 'sweep'),
    build: async (ws) => {
      const out = join(ws.root, 'sweep');
      await smc([
        'sweep',
        '--db',
        ws.synthDb,
        '--config',
        config,
        '--grid',
        grid,
        '--workers',
        '1',
        '--out',
        out,
      ]);
      return join(out, 'report.html');
    },
  },
  {
    kind: 'walkforward',
    // in sample vs out of sample per window, stitched OOS equity
    minCharts: 2,
    runDir: (ws) => join(ws.root, 'walkforward'),
    build: async (ws) => {
      const out = join(ws.root, 'walkforward');
      await smc([
        'walkforward',
        '--db',
        ws.synthDb,
        '--config',
        config,
        '--grid',
        grid,
        '--train',
        '15d',
        '--test',
        '5d',
        '--workers',
        '1',
        '--out',
        out,
      ]);
      return join(out, 'report.html');
    },
  },
  {
    kind: 'compare',
    // differences with CI error bars, metrics side by side
    minCharts: 2,
    runDir: (ws) => join(ws.root, 'compare'),
    build: async (ws) => {
      const out = join(ws.root, 'compare');
      await smc([
        'compare',
        '--db',
        ws.synthDb,
        '--config',
        config,
        '--variants',
        join(FIXTURES, 'variants.yaml'),
        '--workers',
        '1',
        '--out',
        out,
      ]);
      return join(out, 'report.html');
    },
  },
  {
    kind: 'scan',
    // the gate funnel, where each symbol's decisions ended
    minCharts: 2,
    runDir: (ws) => join(ws.root, 'scan'),
    build: async (ws) => {
      const out = join(ws.root, 'scan');
      await smc(['scan', '--db', ws.sampleDb, '--symbols', 'BTC', '--to', '2021-01-01', '--out', out]);
      return join(out, 'report.html');
    },
  },
];

/**
 * Runs in the page: per chart (an SVG with vega mark or axis groups), the marks drawn (children of vega's
 * mark groups: axes, legends and titles have other roles) and its laid-out size. A string, because the
 * test is compiled without the DOM library.
 */
const CHART_PROBE = `[...document.querySelectorAll('svg')]
  .filter((svg) => svg.querySelector('.role-mark, .role-axis') !== null)
  .map((svg) => {
    const box = svg.getBoundingClientRect();
    return { marks: svg.querySelectorAll('.role-mark > *').length, width: box.width, height: box.height };
  })`;

/** What the page showed: problems found (empty = fine) and how many charts it had. */
interface PageCheck {
  readonly problems: string[];
  readonly charts: number;
}

async function openReport(context: BrowserContext, kind: string, html: string): Promise<PageCheck> {
  const problems: string[] = [];
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('about:')) {
      problems.push(`loads ${url}: a report must open offline`);
    }
  });
  try {
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const marks = (await page.evaluate(CHART_PROBE)) as { marks: number; width: number; height: number }[];

    marks.forEach((c, i) => {
      if (c.marks === 0) problems.push(`chart ${i + 1} has no rendered marks`);
      if (c.width < 50 || c.height < 50)
        problems.push(`chart ${i + 1} is ${c.width}×${c.height} px: not laid out`);
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${kind}.png`), fullPage: true });
    return { problems, charts: marks.length };
  } finally {
    await page.close();
  }
}

describe.skipIf(!HAVE_CHROMIUM)('reports in headless Chromium', () => {
  let ws: Workspace;
  let context: BrowserContext;
  const profiles: string[] = [];

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'smc-browser-'));
    const sampleDb = join(root, 'sample.duckdb');
    const sample = await CandleStore.open(sampleDb);
    try {
      await importCandleFile(sample, join(BUNDLED_SAMPLE_DIR, 'binance-usdm-perp', 'BTCUSDT_1h.parquet'));
    } finally {
      await sample.close();
    }
    const synthDb = join(root, 'synth.duckdb');
    const synth = await CandleStore.open(synthDb);
    try {
      for (const [symbol, seed] of [
        ['BTC', 1],
        ['ETH', 2],
      ] as const) {
        await synth.upsert(
          syntheticSeries({ symbol, timeframe: '1h', length: 24 * 40, seed, start: Date.UTC(2024, 0, 1) }),
        );
      }
    } finally {
      await synth.close();
    }
    ws = { root, sampleDb, synthDb };
    const profile = mkdtempSync(join(tmpdir(), 'smc-chromium-profile-'));
    profiles.push(profile);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    await context?.close();
    if (ws) rmSync(ws.root, { recursive: true, force: true });
    for (const p of profiles) rmSync(p, { recursive: true, force: true });
  });

  it('catches a broken page: console error, network load, chart without marks', async () => {
    const html = join(ws.root, 'broken.html');
    writeFileSync(
      html,
      '<!doctype html><html><body><script>console.error("boom")</script>' +
        '<img src="http://example.invalid/x.png">' +
        '<svg width="200" height="100"><g class="mark-rect role-mark"></g><g class="role-axis"><line></line></g></svg>' +
        '</body></html>',
    );
    const check = await openReport(context, 'broken-canary', html);
    expect(check.problems).toContain('console error: boom');
    expect(check.problems).toContain('chart 1 has no rendered marks');
    expect(check.problems.some((p) => p.startsWith('loads http://example.invalid/x.png'))).toBe(true);
    rmSync(join(SCREENSHOTS, 'broken-canary.png'), { force: true });
  });

  for (const k of REPORT_KINDS) {
    it(
      `${k.kind} report: no console error, offline, every chart drawn`,
      async () => {
        const html = await k.build(ws);
        expect(existsSync(html), `${k.kind} report ${html} was not written`).toBe(true);
        const check = await openReport(context, k.kind, html);
        expect(check.problems).toEqual([]);
        expect(k.minCharts).toBeGreaterThan(0);
        expect(check.charts).toBeGreaterThanOrEqual(k.minCharts);
        if (k.runDir) {
          // beside report.html, so relative links (signal charts) stay the same
          const rebuilt = join(k.runDir(ws), 'report-rebuilt.html');
          await smc(['report', k.runDir(ws), '--out', rebuilt]);
          expect(
            readFileSync(rebuilt, 'utf8') === readFileSync(html, 'utf8'),
            'smc report DIR rebuilt a different page',
          ).toBe(true);
        }
      },
      BUILD_TIMEOUT,
    );
  }
});
