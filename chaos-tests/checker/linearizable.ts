import type { Operation } from './history';

/**
 * Linearizability of one partition's appends, conditional appends and end-offset reads, checked
 * as Porcupine and Knossos do: Wing & Gong's search for an order of the operations that respects
 * real time and the sequential model, with Lowe's memoization of (operations linearized, state)
 * and P-compositionality (each partition is checked alone: the caller splits by partition).
 *
 * The model is the partition's length: append(v) -> offset o is legal when o = length (then
 * length + 1); cas(v, e) -> ok is legal when e = length (then length + 1), fail when e != length;
 * end -> L is legal when L = length. An operation whose outcome is unknown (info) may have taken
 * effect at any point after it began, or never: it is tried both ways. A definitely failed
 * append (not written) never took effect and is left out.
 */
export interface LinearizabilityResult {
  ok: boolean;
  /** Operations checked. */
  checked: number;
  /** Search states visited (for the report; the search gives up past `maxStates`). */
  states: number;
  /** When not ok: the longest prefix linearized before the search got stuck, and the operations that could come next. */
  explanation?: string;
  /** The search ran out of budget: neither proven nor refuted. */
  unknown?: boolean;
}

interface Node {
  op: Operation;
  /** Whether this is the call (false) or return (true) event of op. */
  isReturn: boolean;
  time: number;
  match?: Node;
  prev?: Node;
  next?: Node;
  id: number;
}

/** Next states of the model for `op` taken at this point, from `length` (empty: illegal here). */
function steps(op: Operation, length: number): number[] {
  const unknown = op.outcome === 'info';
  switch (op.f) {
    case 'append':
      if (unknown) return [length, length + 1]; // never happened, or happened here
      return op.offset === length ? [length + 1] : [];
    case 'cas':
      if (unknown) return op.expected === length ? [length, length + 1] : [length];
      if (op.outcome === 'ok') return op.expected === length && (op.offset === undefined || op.offset === length) ? [length + 1] : [];
      return op.expected !== length ? [length] : [];
    case 'end':
      if (unknown) return [length];
      return op.offset === length ? [length] : [];
    default:
      return [length];
  }
}

export function checkLinearizable(ops: readonly Operation[], options: { maxStates?: number; initialLength?: number } = {}): LinearizabilityResult {
  const relevant = ops.filter((o) => o.f !== 'fetch' && !(o.f === 'append' && o.outcome === 'fail'));
  const maxStates = options.maxStates ?? 2_000_000;
  // Events: every call, and every return of a completed operation; an unknown one never returns.
  const events: Node[] = [];
  relevant.forEach((op, id) => {
    const call: Node = { op, isReturn: false, time: op.start, id };
    events.push(call);
    if (Number.isFinite(op.end)) {
      const ret: Node = { op, isReturn: true, time: op.end, id, match: undefined };
      call.match = ret;
      events.push(ret);
    }
  });
  // Calls before returns at equal times: operations that touch in time may overlap.
  events.sort((a, b) => a.time - b.time || Number(a.isReturn) - Number(b.isReturn));
  const head: Node = { op: undefined as unknown as Operation, isReturn: false, time: -Infinity, id: -1 };
  let last = head;
  for (const e of events) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  const lift = (n: Node) => {
    n.prev!.next = n.next;
    if (n.next) n.next.prev = n.prev;
    if (n.match) {
      n.match.prev!.next = n.match.next;
      if (n.match.next) n.match.next.prev = n.match.prev;
    }
  };
  const unlift = (n: Node) => {
    if (n.match) {
      n.match.prev!.next = n.match;
      if (n.match.next) n.match.next.prev = n.match;
    }
    n.prev!.next = n;
    if (n.next) n.next.prev = n;
  };

  const words = Math.ceil(relevant.length / 32) || 1;
  const linearized = new Uint32Array(words);
  const cache = new Set<string>();
  const key = (length: number) => `${length}:${linearized.join(',')}`;
  const stack: Array<{ node: Node; prevLength: number }> = [];
  let length = options.initialLength ?? 0;
  let states = 0;
  let best: Operation[] = [];
  /** The operation that had to complete where the longest legal order got stuck. */
  let blocker: Operation | undefined;
  let entry = head.next;
  // Pending alternative next states for an unknown op, tried on backtrack.
  const alternatives: number[][] = [];

  while (head.next) {
    if (++states > maxStates) return { ok: false, unknown: true, checked: relevant.length, states };
    if (entry && !entry.isReturn) {
      const options2 = steps(entry.op, length);
      let advanced = false;
      for (let k = 0; k < options2.length; k++) {
        const nextLength = options2[k];
        linearized[entry.id >> 5] |= 1 << (entry.id & 31);
        const seen = key(nextLength);
        if (cache.has(seen)) {
          linearized[entry.id >> 5] &= ~(1 << (entry.id & 31));
          continue;
        }
        cache.add(seen);
        stack.push({ node: entry, prevLength: length });
        alternatives.push(options2.slice(k + 1));
        lift(entry);
        length = nextLength;
        advanced = true;
        break;
      }
      if (advanced) {
        if (stack.length > best.length) {
          best = stack.map((s) => s.node.op);
          blocker = undefined;
        }
        entry = head.next;
      } else {
        entry = entry.next;
      }
      continue;
    }
    // A return reached (or the end): the operation returning here cannot be placed: backtrack.
    if (stack.length >= best.length && entry) blocker = entry.op;
    if (stack.length === 0) {
      return { ok: false, checked: relevant.length, states, explanation: explain(best, blocker) };
    }
    // Undo the top; try its remaining alternative states before moving past it.
    const top = stack.pop()!;
    const alts = alternatives.pop()!;
    unlift(top.node);
    linearized[top.node.id >> 5] &= ~(1 << (top.node.id & 31));
    length = top.prevLength;
    entry = top.node.next;
    for (let k = 0; k < alts.length; k++) {
      linearized[top.node.id >> 5] |= 1 << (top.node.id & 31);
      const seen = key(alts[k]);
      if (cache.has(seen)) {
        linearized[top.node.id >> 5] &= ~(1 << (top.node.id & 31));
        continue;
      }
      cache.add(seen);
      stack.push({ node: top.node, prevLength: length });
      alternatives.push(alts.slice(k + 1));
      lift(top.node);
      length = alts[k];
      entry = head.next;
      break;
    }
  }
  return { ok: true, checked: relevant.length, states };
}

function describe(op: Operation): string {
  const what =
    op.f === 'end'
      ? `end offset${op.outcome === 'ok' ? ` = ${op.offset}` : ''}`
      : `${op.f}(${op.value}${op.f === 'cas' ? ` @${op.expected}` : ''})${op.outcome === 'ok' && op.f !== 'cas' ? ` -> ${op.offset}` : ''}`;
  return `process ${op.process} ${what} [${op.outcome}, ${op.start}..${Number.isFinite(op.end) ? op.end : '?'} ms, history line ${op.index + 1}]`;
}

function explain(prefix: readonly Operation[], stuck: Operation | undefined): string {
  const tail = prefix.slice(-5).map(describe).join('; ');
  return `no linearization: the longest legal order found ends with ${tail || 'nothing'}${stuck ? `, and then ${describe(stuck)} must complete but cannot be placed` : ''}`;
}
