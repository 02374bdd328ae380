import { ERRORS, type ErrorCode, type ErrorSpec } from './errors';

/**
 * The error table at the top of flotilla.proto, as text: written from ERRORS by
 * `npm run proto:gen` (proto/generate.ts) and read back by proto/errors.test.ts.
 *
 *   //   status               flotilla-error         retriable  outcome
 *   //   -------------------  ---------------------  ---------  -----------
 *   //   NOT_FOUND            UNKNOWN_TOPIC          no         not-written
 *   //       no such topic
 *
 * One row per code, in the table's order, its meaning on the lines below it (wrapped at 100
 * columns); the table ends at the first empty comment line.
 */
const COLUMNS = ['status', 'flotilla-error', 'retriable', 'outcome'] as const;
const ROW_PREFIX = '//   ';
const MEANING_PREFIX = '//       ';
const WIDTH = 100;

/** A row as the comment says it. */
export interface ErrorTableRow extends ErrorSpec {
  readonly code: string;
}

export function renderErrorTable(): string[] {
  const rows = (Object.keys(ERRORS) as ErrorCode[]).map((code) => {
    const e: ErrorSpec = ERRORS[code];
    return { cells: [e.status, code, e.retriable ? 'yes' : 'no', e.outcome], meaning: e.meaning };
  });
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r.cells[i].length)));
  const line = (cells: readonly string[]) => (ROW_PREFIX + cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]) : c)).join('  ')).trimEnd();
  const out = [line(COLUMNS), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) {
    out.push(line(r.cells));
    out.push(...wrap(r.meaning, WIDTH - MEANING_PREFIX.length).map((l) => MEANING_PREFIX + l));
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** Where the table is in the proto's lines: from its header line up to (not including) the empty comment line after it. */
function locate(lines: readonly string[], source: string): { start: number; end: number } {
  const header = /^\/\/\s+status\s+flotilla-error\s+retriable\s+outcome\s*$/;
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) throw new Error(`${source}: no error table (a comment line "status  flotilla-error  retriable  outcome")`);
  let end = start + 1;
  while (end < lines.length && lines[end].trim() !== '//') end++;
  return { start, end };
}

/** The rows of the table in a proto file's text. Throws naming the line that is not a row, a meaning or the header. */
export function parseErrorTable(proto: string, source = 'flotilla.proto'): ErrorTableRow[] {
  const lines = proto.split('\n');
  const { start, end } = locate(lines, source);
  if (!/^\/\/\s+-+\s+-+\s+-+\s+-+\s*$/.test(lines[start + 1] ?? '')) throw new Error(`${source}:${start + 2}: the error table's header is not underlined`);
  const rows: Array<{ code: string; status: string; retriable: boolean; outcome: string; meaning: string[] }> = [];
  for (let i = start + 2; i < end; i++) {
    const row = /^\/\/ {3}(\S+) +(\S+) +(yes|no) +(\S+)$/.exec(lines[i]);
    const meaning = /^\/\/ {7}(\S.*)$/.exec(lines[i]);
    if (row) rows.push({ status: row[1], code: row[2], retriable: row[3] === 'yes', outcome: row[4], meaning: [] });
    else if (meaning && rows.length > 0) rows[rows.length - 1].meaning.push(meaning[1].trimEnd());
    else throw new Error(`${source}:${i + 1}: not a row of the error table: ${JSON.stringify(lines[i])}`);
  }
  return rows.map((r) => ({
    code: r.code,
    status: r.status as ErrorSpec['status'],
    retriable: r.retriable,
    outcome: r.outcome as ErrorSpec['outcome'],
    meaning: r.meaning.join(' '),
  }));
}

/** The proto's text with its error table written from ERRORS. */
export function withErrorTable(proto: string, source = 'flotilla.proto'): string {
  const lines = proto.split('\n');
  const { start, end } = locate(lines, source);
  return [...lines.slice(0, start), ...renderErrorTable(), ...lines.slice(end)].join('\n');
}
