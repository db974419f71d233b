import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.ts';
import { BINANCE_KLINE_COLUMNS, type ColumnMap, resolveColumns } from './columns.ts';
import { type FileHints, type RawCandles, RawCandlesBuilder } from './raw-candles.ts';
import { type EpochUnit, epochToMs, epochUnitOf, parseNumberCell, parseTimestampText } from './timestamp.ts';

export interface CsvReadOptions {
  /** Called with the bytes read so far (of the file on disk), for progress bars. */
  onBytes?: (bytes: number) => void;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Reads a candle CSV (optionally `.gz`) into raw columns, streaming, one entry per data row, numbered by
 * its line in the file (header = line 1). Accepts a header in any spelling `resolveColumns` knows, or
 * no header in the Binance kline layout; `,` `;` or tab separated; timestamps as text or epoch
 * s/ms/µs/ns. Unparseable cells become NaN with a problem naming line, column and text — the validator
 * turns them into a refusal or, with --repair, a dropped row.
 */
export async function readCsvCandles(path: string, opts: CsvReadOptions = {}): Promise<RawCandles> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new UserError(`cannot read '${path}': ${(err as Error).message}`);
  }
  const gz = path.toLowerCase().endsWith('.gz');
  const builder = new RawCandlesBuilder(Math.ceil(size / (gz ? 15 : 45)) + 16);
  const parser = new CsvCandleParser(path, builder);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? file.pipe(createGunzip()) : file;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        parser.line(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      opts.onBytes?.(file.bytesRead);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read '${path}': ${(err as Error).message}`);
  }
  rest += decoder.end();
  if (rest.length > 0) parser.line(rest);
  return parser.finish();
}

/** Line-at-a-time state machine: header detection, column mapping, cell parsing. */
class CsvCandleParser {
  private lineNo = 0;
  private columns: ColumnMap | undefined;
  private delimiter = ',';
  private unit: EpochUnit | undefined;
  private numericTs = false;
  private hints: FileHints = {};
  private minFields = 0;

  constructor(
    private readonly path: string,
    private readonly out: RawCandlesBuilder,
  ) {}

  line(raw: string): void {
    this.lineNo++;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // BOM of Excel exports
    if (line.trim() === '') return;
    if (this.columns === undefined && this.firstLine(line)) return;
    this.dataLine(line);
  }

  /** Maps the columns from the first non-empty line; true when that line was a header. */
  private firstLine(line: string): boolean {
    const counts = [',', ';', '\t'].map((d) => line.split(d).length - 1);
    this.delimiter = [',', ';', '\t'][counts.indexOf(Math.max(...counts))];
    const cells = splitCsvLine(line, this.delimiter);
    const first = cells[0]?.trim() ?? '';
    const looksLikeData = !Number.isNaN(parseNumberCell(first)) || !Number.isNaN(parseTimestampText(first));
    let header = false;
    if (looksLikeData) {
      if (cells.length < 6) {
        throw new UserError(
          `${this.path}: line ${this.lineNo} has no header and only ${cells.length} columns: a headerless file ` +
            'must use the Binance kline layout open_time,open,high,low,close,volume,…',
        );
      }
      this.columns = BINANCE_KLINE_COLUMNS;
    } else {
      this.columns = resolveColumns(cells, `${this.path} line ${this.lineNo}`);
      header = true;
    }
    const c = this.columns;
    this.minFields = Math.max(c.ts, c.open, c.high, c.low, c.close, c.volume) + 1;
    return header;
  }

  private dataLine(line: string): void {
    const c = this.columns as ColumnMap;
    const cells = line.includes('"') ? splitCsvLine(line, this.delimiter) : line.split(this.delimiter);
    const i = this.out.push(this.lineNo);
    const out = this.out;
    if (cells.length < this.minFields) {
      out.ts[i] = out.open[i] = out.high[i] = out.low[i] = out.close[i] = out.volume[i] = Number.NaN;
      out.problems.push({
        index: i,
        message: `line ${this.lineNo}: expected at least ${this.minFields} columns, found ${cells.length}`,
      });
      return;
    }
    out.ts[i] = this.parseTs(cells[c.ts], i);
    for (const f of FIELDS) {
      const text = cells[c[f]];
      const v = parseNumberCell(text);
      out[f][i] = v;
      if (Number.isNaN(v)) {
        out.problems.push({
          index: i,
          message: `line ${this.lineNo}: ${f} '${text.trim()}' is not a number`,
        });
      }
    }
    if (c.ticker !== undefined) {
      const t = cells[c.ticker]?.trim();
      if (t && this.hints.symbol === undefined) this.hints = { ...this.hints, symbol: t };
      else if (t && t !== this.hints.symbol) {
        throw new UserError(
          `${this.path} line ${this.lineNo}: ticker '${t}' differs from '${this.hints.symbol}' above: ` +
            'a candle file must hold one symbol, split it per ticker',
        );
      }
    }
  }

  private parseTs(text: string, i: number): number {
    const t = text.trim();
    if (this.unit === undefined && !this.numericTs) {
      const n = parseNumberCell(t);
      if (!Number.isNaN(n)) {
        this.numericTs = true;
        this.unit = epochUnitOf(n);
      }
    }
    let ms: number;
    if (this.numericTs) {
      const n = parseNumberCell(t);
      ms = Number.isNaN(n) ? n : epochToMs(n, this.unit as EpochUnit);
    } else {
      ms = parseTimestampText(t);
    }
    if (Number.isNaN(ms)) {
      this.out.problems.push({ index: i, message: `line ${this.lineNo}: time '${t}' is not a timestamp` });
    }
    return ms;
  }

  finish(): RawCandles {
    if (this.columns === undefined) {
      throw new UserError(`${this.path} is empty: a candle file needs a header and at least one row`);
    }
    return this.out.build(this.path, 'line', this.hints);
  }
}

/** Splits one CSV line, honouring double quotes ("a,b" and "" escapes). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
