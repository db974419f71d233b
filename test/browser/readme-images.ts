import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { readChartIndex } from '../../reports/chart/run-charts.ts';
import { svgToPng } from '../../reports/render/png.ts';

/**
 * Regenerates the README's pictures from a backtest run directory (e.g. `npm run demo`'s runs/demo):
 * `npx tsx test/browser/readme-images.ts RUN_DIR`. docs/img/report.png is the top of the report as
 * headless Chromium shows it; docs/img/signal-chart.png the first charted trade, rendered by resvg.
 * Each must stay under 150 KB (the script says when one does not).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'docs', 'img');
const LIMIT = 150 * 1024;

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: npx tsx test/browser/readme-images.ts RUN_DIR');
mkdirSync(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.SMC_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  await page.screenshot({ path: join(OUT, 'report.png'), clip: { x: 0, y: 0, width: 1000, height: 900 } });
} finally {
  await browser.close();
}

const index = readChartIndex(dir);
const first = index?.trades[0];
if (first === undefined) throw new Error(`${dir} has no charted trade: run an SMC backtest with trades`);
const html = readFileSync(join(dir, first.file), 'utf8');
const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0];
if (svg === undefined) throw new Error(`${first.file} holds no SVG`);
writeFileSync(join(OUT, 'signal-chart.png'), svgToPng(svg, { width: 1100 }));

for (const f of ['report.png', 'signal-chart.png']) {
  const size = statSync(join(OUT, f)).size;
  process.stdout.write(
    `docs/img/${f}: ${(size / 1024).toFixed(0)} KB${size > LIMIT ? ' — over 150 KB' : ''}\n`,
  );
}
