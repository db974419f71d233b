import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { readCsvCandles } from './csv-read.ts';

const dir = mkdtempSync(join(tmpdir(), 'smc-csv-'));
let k = 0;
function file(text: string, name = `f${k++}.csv`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const H0 = Date.UTC(2020, 0, 1);
const H1 = H0 + 3_600_000;

describe('readCsvCandles header variants', () => {
  it('reads the ../shared/data perpetual layout (Date with +00:00)', async () => {
    const raw = await readCsvCandles(
      file(
        'Date,Open,High,Low,Close,Volume\n' +
          '2020-01-01 00:00:00+00:00,7189.43,7190.52,7170.15,7171.55,2449.049\n' +
          '2020-01-01 01:00:00+00:00,7171.43,7225.0,7171.1,7210.24,3865.038\n',
      ),
    );
    expect(raw.length).toBe(2);
    expect([...raw.ts]).toEqual([H0, H1]);
    expect([...raw.open]).toEqual([7189.43, 7171.43]);
    expect([...raw.high]).toEqual([7190.52, 7225]);
    expect([...raw.volume]).toEqual([2449.049, 3865.038]);
    expect([...raw.rowNumber]).toEqual([2, 3]);
    expect(raw.problems).toEqual([]);
  });

  it('reads the spot layout and takes the ticker column as a symbol hint', async () => {
    const raw = await readCsvCandles(
      file(
        'date,open,high,low,close,volume,ticker\n' +
          '2021-04-04 20:00:00,57953.86000000,58051.25000000,57826.16000000,58025.11000000,1240.20901600,BTCUSDT\n',
      ),
    );
    expect(raw.ts[0]).toBe(Date.UTC(2021, 3, 4, 20));
    expect(raw.close[0]).toBe(58025.11);
    expect(raw.hints.symbol).toBe('BTCUSDT');
  });

  it('reads the EURUSD fixture header (Tickvol and Volume: Volume wins) with dotted dates', async () => {
    const raw = await readCsvCandles(
      file(
        'Date,Open,High,Low,Close,Tickvol,Volume,Spread\n2022.10.10 00:15:00,0.9735,0.97362,0.97328,0.97362,57,0,20\n',
      ),
    );
    expect(raw.ts[0]).toBe(Date.UTC(2022, 9, 10, 0, 15));
    expect(raw.volume[0]).toBe(0);
    expect(raw.close[0]).toBe(0.97362);
  });

  it('reads Binance klines with a header (open_time in ms)', async () => {
    const raw = await readCsvCandles(
      file(
        'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n' +
          `${H0},7189.43,7190.52,7170.15,7171.55,2449.049,${H1 - 1},17577000.1,1000,1200.1,8600000.2,0\n`,
      ),
    );
    expect(raw.ts[0]).toBe(H0);
    expect(raw.low[0]).toBe(7170.15);
  });

  it('reads headerless Binance klines in ms and in µs (2025+ dumps)', async () => {
    const ms = await readCsvCandles(
      file(`${H0},1,2,0.5,1.5,10,${H1 - 1},0,0,0,0,0\n${H1},1.5,2,1,1.2,11,0,0,0,0,0,0\n`),
    );
    expect([...ms.ts]).toEqual([H0, H1]);
    expect([...ms.rowNumber]).toEqual([1, 2]);
    const us = await readCsvCandles(file(`${H0 * 1000},1,2,0.5,1.5,10,0,0,0,0,0,0\n`));
    expect(us.ts[0]).toBe(H0);
  });

  it('reads a BOM, epoch seconds, semicolons, CRLF, quotes and .gz', async () => {
    const bom = await readCsvCandles(
      file('\uFEFFDate,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n'),
    );
    expect(bom.ts[0]).toBe(H0);
    const s = await readCsvCandles(
      file(`"time";"open";"high";"low";"close";"volume"\r\n"${H0 / 1000}";"1";"2";"0.5";"1.5";"10"\r\n`),
    );
    expect(s.ts[0]).toBe(H0);
    expect(s.close[0]).toBe(1.5);
    const p = join(dir, 'z.csv.gz');
    writeFileSync(p, gzipSync('ts,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n'));
    const gz = await readCsvCandles(p);
    expect(gz.ts[0]).toBe(H0);
  });
});

describe('readCsvCandles problems carry file line numbers', () => {
  it('keeps counting across blank lines and names the bad cell', async () => {
    const raw = await readCsvCandles(
      file(
        'Date,Open,High,Low,Close,Volume\n' +
          '2020-01-01 00:00:00,1,2,0.5,1.5,10\n' +
          '\n' +
          '2020-01-01 01:00:00,1,2,0.5,abc,10\n' +
          'not a date,1,2,0.5,1.5,10\n' +
          '2020-01-01 03:00:00,1,2\n',
      ),
    );
    expect([...raw.rowNumber]).toEqual([2, 4, 5, 6]);
    expect(raw.problems.map((p) => p.message)).toEqual([
      "line 4: close 'abc' is not a number",
      "line 5: time 'not a date' is not a timestamp",
      'line 6: expected at least 6 columns, found 3',
    ]);
    expect(raw.close[1]).toBeNaN();
  });

  it('refuses a file mixing tickers, naming the line', async () => {
    await expect(
      readCsvCandles(
        file(
          'date,open,high,low,close,volume,ticker\n2021-01-01,1,2,0.5,1,1,BTCUSDT\n2021-01-01,1,2,0.5,1,1,ETHUSDT\n',
        ),
      ),
    ).rejects.toThrow(/line 3: ticker 'ETHUSDT' differs from 'BTCUSDT'/);
  });

  it('refuses a header without a volume column, naming what is missing', async () => {
    await expect(readCsvCandles(file('Date,Open,High,Low,Close\n2020-01-01,1,2,0.5,1.5\n'))).rejects.toThrow(
      /no column for volume/,
    );
  });

  it('refuses an empty file and a missing file as UserErrors', async () => {
    await expect(readCsvCandles(file(''))).rejects.toBeInstanceOf(UserError);
    await expect(readCsvCandles(join(dir, 'missing.csv'))).rejects.toThrow(/cannot read/);
  });
});
