import { describe, expect, it } from 'vitest';
import { denseSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { SwingDetector } from '../swings/swings.ts';
import { RetracementTracker, retracements } from './retracements.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const L of [2, 5]) {
  primitiveContract(
    `retracements(swingLength=${L})`,
    (b) => denseSubject(new RetracementTracker(b, new SwingDetector(b, { swingLength: L }))),
    (b) => denseSubject(retracements(b, new SwingDetector(b, { swingLength: L })).tracker),
    L === 5 ? { data: eurusd, runs: 15 } : {},
  );
}

describe('retracements: rows', () => {
  it('follow the swing direction and never report a current retracement deeper than the deepest', async () => {
    const b = await eurusd();
    const r = new RetracementTracker(b, new SwingDetector(b, { swingLength: 5 }));
    r.update(b.length - 1);
    const [dir, cur, deep] = r.rows.columns;
    let bad = 0;
    let directed = 0;
    for (let i = 0; i < r.rows.rows; i++) {
      if (dir[i] !== 0) directed++;
      if (dir[i] !== 0 && cur[i] > deep[i]) bad++;
    }
    expect(bad).toBe(0);
    expect(directed).toBeGreaterThan(b.length * 0.9);
  });
});
