import type { MemoryStorage } from '../memory-storage';
import type { Entry, NodeId } from '../types';
import { SimFailure } from './failure';

interface CommittedEntry {
  term: number;
  data: string;
  /** The term of the node that first saw it committed: it was committed in this term or earlier. */
  seenInTerm: number;
}

/**
 * Raft's safety properties, checked against everything the simulator can observe:
 *  - election safety: at most one leader per term;
 *  - log matching: two logs with the same term at an index agree on everything before it;
 *  - no committed entry ever changes (so none is lost across crashes);
 *  - leader append-only: a leader never overwrites or deletes entries of its log;
 *  - leader completeness: a leader of a later term holds every entry committed before it;
 *  - committed entries stay durable on a quorum: no majority of the membership lacks one;
 *  - state machine safety: every node applies a prefix of one global sequence;
 *  - linearizable reads: a read reflects every write applied anywhere before it began, and
 *    never less than a read that finished before it began.
 */
export class Checker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly committed = new Map<number, CommittedEntry>();
  /** The highest index known committed. */
  private maxCommitted = 0;
  private readonly recordedTo = new Map<NodeId, number>();
  private readonly global: number[] = [];
  maxReadResult = 0;

  constructor(private readonly step: () => number) {}

  private fail(message: string): never {
    throw new SimFailure(message, this.step());
  }

  appliedLength(): number {
    return this.global.length;
  }

  onLeader(id: NodeId, term: number, storage: MemoryStorage): void {
    const known = this.leaders.get(term);
    if (known !== undefined && known !== id) this.fail(`election safety: nodes ${known} and ${id} are both leader in term ${term}`);
    this.leaders.set(term, id);
    // Leader completeness: every entry committed in an earlier term is in this leader's log.
    const first = storage.firstIndex();
    for (const [index, c] of this.committed) {
      if (c.seenInTerm >= term || index < first) continue;
      if (index > storage.lastIndex()) {
        this.fail(`leader completeness: leader ${id} of term ${term} lacks committed index ${index} (its log ends at ${storage.lastIndex()})`);
      }
      const t = storage.term(index);
      if (t !== c.term) {
        this.fail(`leader completeness: leader ${id} of term ${term} has an entry of term ${t} at index ${index}, where one of term ${c.term} was committed`);
      }
    }
  }

  /** A node that stayed leader of `term` since its previous write appends at `from`; its log ends at `last`. */
  onLeaderAppend(id: NodeId, term: number, from: number, last: number): void {
    if (from <= last) {
      this.fail(`leader append-only: leader ${id} of term ${term} overwrites its own log from index ${from} (its log ends at ${last})`);
    }
  }

  /** Record the entries `id` says are committed, and check none differs from what was committed before. */
  onCommit(id: NodeId, term: number, commit: number, storage: MemoryStorage): void {
    const from = Math.max(this.recordedTo.get(id) ?? 0, storage.firstIndex() - 1) + 1;
    const to = Math.min(commit, storage.lastIndex());
    if (to < from) {
      this.recordedTo.set(id, Math.max(this.recordedTo.get(id) ?? 0, Math.min(commit, storage.lastIndex())));
      return;
    }
    const entries = storage.entries(from, to + 1, Infinity) as readonly Entry[];
    for (const e of entries) {
      const data = key(e);
      const known = this.committed.get(e.index);
      if (!known) {
        this.committed.set(e.index, { term: e.term, data, seenInTerm: term });
        this.maxCommitted = Math.max(this.maxCommitted, e.index);
      }
      else if (known.term !== e.term || known.data !== data) {
        this.fail(`committed entry changed at index ${e.index}: was term ${known.term}, node ${id} has term ${e.term} committed`);
      }
    }
    this.recordedTo.set(id, to);
  }

  /** A restart or snapshot install rebuilds a node's view: re-read its log from scratch next time. */
  onSnapshotInstalled(id: NodeId, app: readonly number[]): void {
    this.recordedTo.delete(id);
    app.forEach((value, position) => this.onApply(id, position, value));
  }

  onApply(id: NodeId, position: number, value: number): void {
    if (position < this.global.length) {
      if (this.global[position] !== value) {
        this.fail(`state machine safety: node ${id} applied ${value} at position ${position}, others applied ${this.global[position]}`);
      }
      return;
    }
    if (position > this.global.length) this.fail(`state machine safety: node ${id} applied position ${position} with a gap`);
    if (this.global.includes(value)) this.fail(`proposal ${value} applied twice (positions ${this.global.indexOf(value)} and ${position})`);
    this.global.push(value);
  }

  onReadDone(id: NodeId, ctx: number, result: number, minCount: number, minFromReads: number): void {
    if (result < minCount) {
      this.fail(`linearizability: read ${ctx} on node ${id} saw ${result} writes, but ${minCount} were applied before it began`);
    }
    if (result < minFromReads) {
      this.fail(`linearizability: read ${ctx} on node ${id} saw ${result} writes, an earlier completed read saw ${minFromReads}`);
    }
    this.maxReadResult = Math.max(this.maxReadResult, result);
  }

  /** The term of the entry recorded committed at `index`, if any node has been seen committing it. */
  committedTerm(index: number): number | undefined {
    return this.committed.get(index)?.term;
  }

  /**
   * Committed means durable on a quorum: the voters of the latest committed membership that lack
   * the highest committed entry (neither in their stable log nor under their snapshot) must not
   * be a majority, or they could elect a leader without it. A membership change moves one server
   * at a time, so a quorum of the membership an entry was committed under still meets every
   * majority of the next one. `logs` holds each node's stable log (the disk, for a crashed node;
   * an empty log for a wiped one). A wiped node awaiting readmission (`awaiting`) lacks
   * everything, but it runs nothing until a change committed without it has removed it (it then
   * comes back as a learner), so it can never be part of a majority that elects a leader: it is
   * not counted among those lacking the entry, while the majority is still one of all the voters.
   */
  committedOnQuorum(voters: readonly NodeId[], logs: (id: NodeId) => MemoryStorage, awaiting: ReadonlySet<NodeId> = new Set()): void {
    const index = this.maxCommitted;
    if (index === 0 || voters.length === 0) return;
    const { term } = this.committed.get(index)!;
    const lacking = voters.filter((id) => {
      if (awaiting.has(id)) return false;
      const s = logs(id);
      if (index < s.firstIndex()) return false;
      return index > s.lastIndex() || s.term(index) !== term;
    });
    if (lacking.length > voters.length / 2) {
      this.fail(
        `committed entry lost: index ${index} (term ${term}) is missing from the stable logs of nodes [${lacking}], a majority of voters [${voters}]`,
      );
    }
  }

  /** Log matching over every pair of live nodes, on the ranges both still hold. */
  logMatching(nodes: ReadonlyArray<{ id: NodeId; storage: MemoryStorage }>): void {
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i].storage;
        const b = nodes[j].storage;
        const lo = Math.max(a.firstIndex(), b.firstIndex());
        const hi = Math.min(a.lastIndex(), b.lastIndex());
        if (hi < lo) continue;
        const ea = a.entries(lo, hi + 1, Infinity) as readonly Entry[];
        const eb = b.entries(lo, hi + 1, Infinity) as readonly Entry[];
        let matched = false;
        for (let k = ea.length - 1; k >= 0; k--) {
          if (!matched && ea[k].term === eb[k].term) matched = true;
          if (matched && (ea[k].term !== eb[k].term || key(ea[k]) !== key(eb[k]))) {
            this.fail(`log matching: nodes ${nodes[i].id} and ${nodes[j].id} agree at a later index but differ at ${ea[k].index}`);
          }
        }
      }
    }
  }
}

function key(e: Entry): string {
  let s = `${e.type}:`;
  for (const b of e.data) s += b.toString(16).padStart(2, '0');
  return s;
}
