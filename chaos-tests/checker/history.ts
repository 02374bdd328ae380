/**
 * The chaos lab's history: one JSON object per line (JSONL), every operation as an invocation and
 * a completion, Jepsen-style. A completion is `ok` (it happened, with what it returned), `fail`
 * (it certainly did not happen: the server said "not written", or a conditional append found
 * another end offset) or `info` (unknown: a timeout, a broken connection, "outcome unknown").
 * Times are the client's monotonic clock in milliseconds.
 */
export type OpKind =
  /** Append one unique value (idempotent producer, acks=all); ok names its offset. */
  | 'append'
  /** Append one unique value only if the partition ends at `expected`; ok names its offset (= expected). */
  | 'cas'
  /** Read the partition's end offset (linearizable, through ReadIndex); ok names it. */
  | 'end'
  /** Fetch records from `from`; ok lists [offset, value] pairs. */
  | 'fetch';

export interface Invoke {
  type: 'invoke';
  /** The client (logical process) that did it: one operation at a time per process. */
  process: number;
  f: OpKind;
  partition: number;
  value?: string;
  expected?: number;
  from?: number;
  time: number;
}

export interface Complete {
  type: 'ok' | 'fail' | 'info';
  process: number;
  f: OpKind;
  partition: number;
  value?: string;
  /** append/cas: where it landed; end: the end offset read. */
  offset?: number;
  /** fetch: what it returned. */
  records?: Array<[number, string]>;
  error?: string;
  time: number;
}

/** A fault window of the nemesis. */
export interface NemesisEvent {
  type: 'nemesis';
  phase: 'start' | 'end';
  fault: string;
  detail?: string;
  time: number;
}

export type HistoryEvent = Invoke | Complete | NemesisEvent;

/** One operation: its invocation paired with its completion (none yet: still open at the end, like info). */
export interface Operation {
  /** Position of the invocation in the history (for links into it). */
  index: number;
  process: number;
  f: OpKind;
  partition: number;
  value?: string;
  expected?: number;
  from?: number;
  start: number;
  end: number;
  outcome: 'ok' | 'fail' | 'info';
  offset?: number;
  records?: Array<[number, string]>;
  error?: string;
}

/** Pair invocations with completions per process; an invocation with no completion is info, ending never. */
export function operations(history: readonly HistoryEvent[]): Operation[] {
  const open = new Map<number, Operation>();
  const out: Operation[] = [];
  history.forEach((e, index) => {
    if (e.type === 'nemesis') return;
    if (e.type === 'invoke') {
      if (open.has(e.process)) throw new Error(`history line ${index + 1}: process ${e.process} invoked ${e.f} while its previous operation is open`);
      const op: Operation = { index, process: e.process, f: e.f, partition: e.partition, value: e.value, expected: e.expected, from: e.from, start: e.time, end: Infinity, outcome: 'info' };
      open.set(e.process, op);
      out.push(op);
      return;
    }
    const op = open.get(e.process);
    if (!op) throw new Error(`history line ${index + 1}: process ${e.process} completed ${e.f} without invoking it`);
    open.delete(e.process);
    op.outcome = e.type;
    op.end = e.type === 'info' ? Infinity : e.time;
    op.offset = e.offset;
    op.records = e.records;
    op.error = e.error;
  });
  return out;
}

export function parseHistory(jsonl: string): HistoryEvent[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as HistoryEvent;
      } catch (e) {
        throw new Error(`history line ${i + 1} is not JSON: ${(e as Error).message}`);
      }
    });
}

export function formatHistory(history: readonly HistoryEvent[]): string {
  return history.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
