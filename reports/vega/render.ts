import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';

/**
 * Renders a vega-lite spec to an SVG string, headless (`renderer: 'none'`, no DOM, no canvas): the report
 * embeds the result inline, so it opens offline with no script at all. Data must be inline (`values`);
 * a spec that names a URL is refused, because an offline report cannot load it.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  if (JSON.stringify(spec).includes('"url"')) {
    throw new Error('vega-lite spec loads data from a URL: reports embed their data inline (data.values)');
  }
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Common look of the report charts. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  title: { fontSize: 14, anchor: 'start' as const },
};
