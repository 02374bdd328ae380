/** Output formatting for the CLI: aligned tables for people, JSON for scripts. */

export type Cell = string | number | boolean | null | undefined;

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return String(cell);
}

/** Display width: counts code points, so that non-ASCII names do not skew the columns. */
function width(s: string): number {
  return [...s].length;
}

/**
 * An aligned table with a header row. Columns whose cells are all numbers are right-aligned;
 * columns are separated by two spaces and trailing spaces are trimmed.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((row) => headers.map((_, i) => text(row[i])));
  const numeric = headers.map((_, i) => cells.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((row) => width(row[i]))));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => {
        const pad = ' '.repeat(widths[i] - width(c));
        return numeric[i] ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** "a: 1\nbb: 2" with the values aligned. */
export function formatFields(fields: ReadonlyArray<readonly [string, Cell]>): string {
  const w = Math.max(...fields.map(([k]) => width(k)));
  return fields.map(([k, v]) => `${k}:${' '.repeat(w - width(k) + 1)}${text(v)}`).join('\n') + '\n';
}

/** Stable, readable JSON: Buffers as UTF-8 strings, two-space indent, trailing newline. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer, 2) + '\n';
}

/** One JSON document per line (for streams of records). */
export function formatJsonLine(value: unknown): string {
  return JSON.stringify(value, jsonReplacer) + '\n';
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('utf8');
  }
  return value;
}

/** "1,2,3", or "-" for none. */
export function formatIds(ids: readonly number[]): string {
  return ids.length === 0 ? '-' : ids.join(',');
}

/** Per-partition offset ranges of what a produce wrote, for its summary. */
export interface WrittenRange {
  partition: number;
  firstOffset: number;
  lastOffset: number;
  count: number;
}

export function summarizeWrites(results: ReadonlyArray<{ partition: number; offset: number }>): WrittenRange[] {
  const byPartition = new Map<number, WrittenRange>();
  for (const r of results) {
    const w = byPartition.get(r.partition);
    if (!w) byPartition.set(r.partition, { partition: r.partition, firstOffset: r.offset, lastOffset: r.offset, count: 1 });
    else {
      w.firstOffset = Math.min(w.firstOffset, r.offset);
      w.lastOffset = Math.max(w.lastOffset, r.offset);
      w.count++;
    }
  }
  return [...byPartition.values()].sort((a, b) => a.partition - b.partition);
}
