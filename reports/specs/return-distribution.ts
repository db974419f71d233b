import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/**
 * Histogram of daily returns (e.g. `dailyReturnsFromEquity(...).returns`), days without any change left
 * out (a strategy flat most of the time would otherwise be one spike at 0), with the mean as a rule.
 */
export function returnDistributionSpec(
  daily: ArrayLike<number>,
  title = 'Daily return distribution',
): TopLevelSpec {
  const active = Array.from(daily).filter((r) => r !== 0 && Number.isFinite(r));
  const mean = active.length > 0 ? active.reduce((a, b) => a + b, 0) / active.length : 0;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: `${active.length} days with a change in equity; mean ${(mean * 100).toFixed(3)}%`,
    },
    config: CHART_CONFIG,
    width: 520,
    height: 220,
    layer: [
      {
        data: { values: active.map((r) => ({ r })) },
        mark: { type: 'bar', color: '#1f6feb', opacity: 0.85 },
        encoding: {
          x: {
            field: 'r',
            type: 'quantitative',
            bin: { maxbins: 40 },
            title: 'daily return',
            axis: { format: '.1%' },
          },
          y: { aggregate: 'count', type: 'quantitative', title: 'days' },
        },
      },
      {
        data: { values: [{ mean }] },
        mark: { type: 'rule', color: '#d1242f', strokeWidth: 2, strokeDash: [4, 3] },
        encoding: { x: { field: 'mean', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}
