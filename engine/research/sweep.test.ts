import { describe, expect, it } from 'vitest';
import { SeededRng } from '../rng.ts';
import type { ConfigOutcome } from './outcome.ts';
import { type SweepRow, selectBest, sweepCsv, sweepHash } from './sweep.ts';
import { selectionStatistics } from './sweep-stats.ts';

function row(index: number, trades: number, sharpe: number | null, dd = 0.1): SweepRow {
  return {
    index,
    params: { 'a.b': index },
    configHash: `h${index}`,
    trades,
    metrics: { sharpe, maxDrawdown: dd },
    resultHash: `r${index}`,
  };
}

describe('best config under objective and constraints', () => {
  const rows = [
    row(0, 50, 1.2, 0.3),
    row(1, 10, 3.0, 0.05),
    row(2, 40, 1.5, 0.2),
    row(3, 60, 1.5, 0.1),
    row(4, 80, null),
  ];
  it('maximises among rows with enough trades; ties go to the lowest index', () => {
    const s = selectBest(rows, { metric: 'sharpe', minimise: false }, 30);
    expect(s.best?.index).toBe(2);
    expect(s.eligible).toBe(3);
  });
  it("'-name' minimises", () => {
    expect(selectBest(rows, { metric: 'maxDrawdown', minimise: true }, 0).best?.index).toBe(1);
    expect(selectBest(rows, { metric: 'maxDrawdown', minimise: true }, 30).best?.index).toBe(3);
  });
  it('says why nothing qualified', () => {
    const s = selectBest(rows, { metric: 'sharpe', minimise: false }, 1000);
    expect(s.best).toBeNull();
    expect(s.reason).toMatch(/at least 1000 trades/);
  });
});

describe('sweep table', () => {
  it('writes one CSV row per config with params, trades, metrics and result hash; hashes the table', () => {
    const axes = [{ path: 'a.b', values: [0, 1] }];
    const rows = [row(0, 5, 1.25), { ...row(1, 0, null), params: { 'a.b': 'x,"y"' } }];
    expect(sweepCsv(rows, axes, ['sharpe', 'maxDrawdown'])).toBe(
      'index,a.b,configHash,trades,sharpe,maxDrawdown,resultHash\n0,0,h0,5,1.25,0.1,r0\n1,"x,""y""",h1,0,,0.1,r1\n',
    );
    expect(sweepHash(rows)).toBe(sweepHash(rows.map((r) => ({ ...r }))));
    expect(sweepHash(rows)).not.toBe(sweepHash([rows[0], { ...rows[1], resultHash: 'other' }]));
  });
});

describe('selection statistics', () => {
  const D = 86_400_000;
  function outcome(rng: SeededRng, drift: number, firstDay: number, n: number): ConfigOutcome {
    const daily = Array.from({ length: n }, () => drift + 0.01 * rng.normal());
    return { metrics: {}, trades: 10, resultHash: '', firstDay, daily, finalEquity: 1 };
  }
  it('counts every config as a trial, deflates the chosen Sharpe and computes PBO on the common days', () => {
    const rng = new SeededRng(1);
    const outs = Array.from({ length: 20 }, (_, i) => outcome(rng, i === 7 ? 0.004 : 0, (i % 3) * D, 200));
    const s = selectionStatistics(outs, 7);
    expect(s.trials).toBe(20);
    expect(s.chosen?.dsr).toBeLessThan(s.chosen?.psr ?? 0);
    expect(s.chosen?.dsrBenchmark).toBeGreaterThan(0);
    // Days 2..199 are common to all (198); 16 blocks of 12 use the latest 192.
    expect(s.pbo?.rowsUsed).toBe(192);
    expect(s.pbo?.configs).toBe(20);
    expect(s.pbo?.pbo).toBeLessThan(0.2);
    expect(s.pboNote).toBeNull();
  });
  it('a single config has no PBO, and its DSR equals its PSR', () => {
    const s = selectionStatistics([outcome(new SeededRng(2), 0.001, 0, 100)], 0);
    expect(s.pbo).toBeNull();
    expect(s.pboNote).toMatch(/at least 2 configs/);
    expect(s.chosen?.dsr).toBe(s.chosen?.psr);
  });
});
