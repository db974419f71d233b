import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from '../vega/render.ts';

/** One calendar month of an equity curve: its return from the previous month's last equity. */
export interface MonthlyReturn {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly ret: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Monthly returns (UTC calendar months) of an equity curve sampled at increasing times: each month's last
 * equity over the previous month's last (the first month over the first sample).
 */
export function monthlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  if (ts.length === 0) return out;
  let prev = equity[0];
  for (let i = 0; i < ts.length; ) {
    const d = new Date(ts[i]);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth();
    let last = equity[i];
    while (i < ts.length) {
      const e = new Date(ts[i]);
      if (e.getUTCFullYear() !== year || e.getUTCMonth() !== month) break;
      last = equity[i++];
    }
    out.push({ year, month: month + 1, ret: prev !== 0 ? last / prev - 1 : 0 });
    prev = last;
  }
  return out;
}

/** Heat map of monthly returns: years down, months across, diverging colour centred on 0, values printed. */
export function monthlyReturnsSpec(rows: readonly MonthlyReturn[], title = 'Monthly returns'): TopLevelSpec {
  const values = rows.map((r) => ({ year: String(r.year), month: MONTHS[r.month - 1], ret: r.ret }));
  const maxAbs = Math.max(0.001, ...rows.map((r) => Math.abs(r.ret)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CHART_CONFIG,
    data: { values },
    width: { step: 46 },
    height: { step: 26 },
    encoding: {
      x: { field: 'month', type: 'ordinal', sort: MONTHS, title: 'month (UTC)', axis: { labelAngle: 0 } },
      y: { field: 'year', type: 'ordinal', title: 'year' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'ret',
            type: 'quantitative',
            title: 'return',
            scale: { scheme: 'redyellowgreen', domain: [-maxAbs, maxAbs], domainMid: 0 },
            legend: { format: '.0%' },
          },
          tooltip: [
            { field: 'year', title: 'year' },
            { field: 'month', title: 'month' },
            { field: 'ret', title: 'return', format: '.2%' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'ret', type: 'quantitative', format: '.1%' },
          // white on the darkest cells, where dark text would vanish
          color: {
            condition: { test: `abs(datum.ret) > ${0.6 * maxAbs}`, value: 'white' },
            value: '#1f2328',
          },
        },
      },
    ],
  } as TopLevelSpec;
}
