import { describe, expect, it } from 'vitest';
import { denseSubject, primitiveContract } from '../contract/primitive-contract.ts';
import { binLabel, PreviousHighLowTracker, previousHighLow } from './previous-high-low.ts';

const eurusd = async () => (await import('../../../../test/conformance/fixture.ts')).eurusd();

for (const tf of ['1h', '4h', '1d', '1w'] as const) {
  primitiveContract(
    `previous_high_low(${tf})`,
    (b) => denseSubject(new PreviousHighLowTracker(b, tf)),
    (b) => denseSubject(previousHighLow(b, tf).tracker),
    tf === '4h' ? { data: eurusd, runs: 15 } : {},
  );
}

describe('previous_high_low: pandas bins', () => {
  it('labels 4h/1D bins by their start and weeks (Mon–Sun) by their Sunday', () => {
    const t = Date.UTC(2022, 9, 12, 5, 15); // Wednesday 2022-10-12 05:15
    expect(binLabel(t, '4h')).toBe(Date.UTC(2022, 9, 12, 4));
    expect(binLabel(t, '1d')).toBe(Date.UTC(2022, 9, 12));
    expect(binLabel(t, '1w')).toBe(Date.UTC(2022, 9, 16));
    expect(binLabel(Date.UTC(2022, 9, 16, 23), '1w')).toBe(Date.UTC(2022, 9, 16));
  });
});
