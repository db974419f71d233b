import { describe, expect, it } from 'vitest';
import { dec } from './decimal.ts';
import { Ledger } from './ledger.ts';

describe('Ledger per-symbol totals', () => {
  it('a symbol trading alone shares the account totals; with a second symbol each keeps its own', () => {
    const l = new Ledger(1000);
    l.applyFill('BTC', 'buy', dec('0.5'), dec('100.123'), dec('0.025'));
    l.applyFill('BTC', 'sell', dec('0.5'), dec('101.5'), dec('0.0251'));
    l.applyFunding('BTC', dec('-0.01'));
    const btc = l.position('BTC');
    expect([btc?.realisedPnl.toFixed(), btc?.fees.toFixed(), btc?.fundingPaid.toFixed()]).toEqual([
      '0.6885',
      '0.0501',
      '0.01',
    ]);
    // A second symbol: from now on each slot sums only its own bookings.
    l.applyFill('ETH', 'sell', dec('2'), dec('50'), dec('0.05'));
    l.applyFill('BTC', 'buy', dec('1'), dec('99'), dec('0.0495'));
    l.applyFill('ETH', 'buy', dec('2'), dec('49'), dec('0.049'));
    l.applyFunding('ETH', dec('0.002'));
    const eth = l.position('ETH');
    expect([btc?.realisedPnl.toFixed(), btc?.fees.toFixed(), btc?.fundingPaid.toFixed()]).toEqual([
      '0.6885',
      '0.0996',
      '0.01',
    ]);
    expect([eth?.realisedPnl.toFixed(), eth?.fees.toFixed(), eth?.fundingPaid.toFixed()]).toEqual([
      '2',
      '0.099',
      '-0.002',
    ]);
    expect([l.realisedPnl.toFixed(), l.fees.toFixed(), l.fundingPaid.toFixed()]).toEqual([
      '2.6885',
      '0.1986',
      '0.008',
    ]);
    // balance − initial = realised − fees − funding, exactly.
    expect(l.balance.minus(l.initialBalance).toFixed()).toBe(
      l.realisedPnl.minus(l.fees).minus(l.fundingPaid).toFixed(),
    );
  });
});
