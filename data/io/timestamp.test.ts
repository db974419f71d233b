import { describe, expect, it } from 'vitest';
import { epochToMs, epochUnitOf, formatTs, parseNumberCell, parseTimestampText } from './timestamp.ts';

const T = Date.UTC(2020, 0, 1, 5, 30, 0);

describe('parseTimestampText', () => {
  it.each([
    ['2020-01-01 05:30:00+00:00', T],
    ['2020-01-01 05:30:00', T],
    ['2020-01-01T05:30:00Z', T],
    ['2020-01-01T05:30:00.000Z', T],
    ['2020-01-01T05:30Z', T],
    ['2020.01.01 05:30:00', T],
    ['2020/01/01 05:30:00', T],
    ['2020-01-01 07:30:00+02:00', T],
    ['2020-01-01 07:30:00+0200', T],
    ['2020-01-01 00:30:00-05:00', T],
    ['2020-01-01 05:30:00 UTC', T],
    ['2020-01-01', Date.UTC(2020, 0, 1)],
    ['2020-02-29 00:00', Date.UTC(2020, 1, 29)],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['2020-1-2 3:04:05', Date.UTC(2020, 0, 2, 3, 4, 5)],
    ['2020-01-01T05:30:00.250Z', T + 250],
    [' 2020-01-01 05:30:00 ', T],
  ])('%s', (text, expected) => {
    expect(parseTimestampText(text)).toBe(expected);
  });

  it.each([
    '',
    'abc',
    '2020-13-01 00:00:00',
    '2021-02-30 00:00:00',
    '2021-02-29T00:00:00Z',
    '2021-02-29',
    '2020-01-01 24:00:00',
    '2020-01-01 00:60',
    '2020-01-01 00:00:00+00:0',
    '2020-01-01X00:00:00',
    '1577836800000',
    '01/02/2020',
  ])('refuses %j', (text) => {
    expect(parseTimestampText(text)).toBeNaN();
  });
});

describe('epoch numbers', () => {
  it.each([
    [1577836800, 's', 1577836800000],
    [1577836800000, 'ms', 1577836800000],
    [1577836800000123, 'us', 1577836800000],
    [1735689600000000, 'us', 1735689600000],
    [1577836800000000000, 'ns', 1577836800000],
  ] as const)('%d is %s', (value, unit, ms) => {
    expect(epochUnitOf(value)).toBe(unit);
    expect(epochToMs(value, unit)).toBe(ms);
  });
});

describe('parseNumberCell', () => {
  it.each([
    ['7189.43', 7189.43],
    ['7225.0', 7225],
    [' 1e3 ', 1000],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['57953.86000000', 57953.86],
  ])('%j → %d', (text, v) => {
    expect(parseNumberCell(text)).toBe(v);
  });
  it.each(['', ' ', 'abc', '0x10', 'Infinity', 'NaN', '1,5', '1.2.3'])('refuses %j', (text) => {
    expect(parseNumberCell(text)).toBeNaN();
  });
});

describe('formatTs', () => {
  it('drops zero milliseconds and keeps others', () => {
    expect(formatTs(T)).toBe('2020-01-01T05:30:00Z');
    expect(formatTs(T + 5)).toBe('2020-01-01T05:30:00.005Z');
    expect(parseTimestampText(formatTs(T + 5))).toBe(T + 5);
  });
});
