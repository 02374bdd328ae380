import { decodeConfChange } from '../conf-change';
import { MemoryStorage } from '../memory-storage';
import { RawNode } from '../raw-node';
import { Rng } from '../rng';
import {
  type ConfState,
  type Entry,
  EntryType,
  type Message,
  type NodeId,
  type PlantedBug,
  ProposalDroppedError,
  type Snapshot,
} from '../types';
import { Checker } from './checker';
import { VirtualDisk } from './disk';
import { SimFailure } from './failure';

/** One thing the schedule does. Node fields index the pool of node ids (taken modulo its size). */
export type Action =
  | { t: 'tick'; n: number }
  /** A client that follows redirects proposes `count` values to the leader (or to `node` if there is none). */
  | { t: 'propose'; node: number; count: number }
  | { t: 'read'; node: number }
  | { t: 'crash'; node: number }
  /** Crash and restart at once: a process restart in the middle of whatever was going on. */
  | { t: 'bounce'; node: number }
  | { t: 'restart'; node: number }
  | { t: 'partition'; mask: number }
  | { t: 'oneWay'; from: number; to: number }
  | { t: 'heal' }
  | { t: 'net'; loss: number; dup: number; maxDelay: number }
  | { t: 'transfer'; node: number; to: number }
  | { t: 'snapshot'; node: number }
  | { t: 'conf'; change: 'addLearner' | 'addVoter' | 'removeNode'; node: number };

/** The core's own settings, varied per schedule: safety must hold under every configuration. */
export interface CoreKnobs {
  preVote: boolean;
  checkQuorum: boolean;
  maxMessageBytes: number;
  maxInflightMessages: number;
}

export const DEFAULT_KNOBS: CoreKnobs = { preVote: true, checkQuorum: true, maxMessageBytes: 64, maxInflightMessages: 4 };

export interface SimOptions {
  knobs?: CoreKnobs;
  /** Initial voters: 3 or 5. One more id exists as a spare the schedule may add. */
  nodes: number;
  seed: number;
  bugs?: ReadonlySet<PlantedBug>;
  electionTicks?: number;
  heartbeatTicks?: number;
  /** Print every event. */
  log?: (line: string) => void;
}

interface InFlight {
  at: number;
  seq: number;
  m: Message;
}

interface PendingRead {
  minCount: number;
  minFromReads: number;
}

class SimNode {
  node: RawNode | undefined;
  storage!: MemoryStorage;
  /** The application: proposal ids in the order applied. */
  app: number[] = [];
  lastCommit = 0;
  readsWaiting: Array<{ index: number; ctx: number }> = [];

  constructor(
    readonly id: NodeId,
    readonly disk: VirtualDisk,
  ) {}

  get up(): boolean {
    return this.node !== undefined;
  }
}

/**
 * A whole Raft cluster in one deterministic loop: virtual clock, virtual network (loss,
 * duplication, reordering by random delay, partitions, one-way links), nodes that crash and
 * restart from their virtual disks, clients that propose, read and reconfigure. Every step is
 * followed by the safety checks in Checker; the same seed and schedule replay bit for bit.
 */
export class Simulator {
  readonly ids: NodeId[];
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly rng: Rng;
  private readonly checker: Checker;
  private queue: InFlight[] = [];
  private seq = 0;
  time = 0;
  private step = 0;
  private blocked = new Set<string>();
  private loss = 0;
  private dup = 0;
  private maxDelay = 3;
  private nextProposal = 1;
  private nextRead = 1;
  private readonly reads = new Map<number, PendingRead>();
  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  readonly stats = { proposals: 0, committed: 0, reads: 0, crashes: 0, elections: 0, snapshots: 0, confChanges: 0, messages: 0 };

  constructor(private readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    this.electionTicks = opts.electionTicks ?? 10;
    this.heartbeatTicks = opts.heartbeatTicks ?? 2;
    this.ids = Array.from({ length: opts.nodes + 1 }, (_, i) => i + 1);
    const voters = this.ids.slice(0, opts.nodes);
    this.checker = new Checker(() => this.step);
    for (const id of this.ids) {
      // The spare starts knowing no membership: it learns it from the log once added.
      const conf: ConfState = voters.includes(id) ? { voters, learners: [] } : { voters: [], learners: [] };
      const sn = new SimNode(id, new VirtualDisk(conf));
      this.nodes.set(id, sn);
      this.start(sn);
    }
  }

  private log(line: string): void {
    this.opts.log?.(`[t=${this.time} s=${this.step}] ${line}`);
  }

  private pick(index: number): SimNode {
    return this.nodes.get(this.ids[((index % this.ids.length) + this.ids.length) % this.ids.length])!;
  }

  /** The live leader of the highest term, as a redirect-following client finds it; else the given node. */
  private leaderOr(index: number): SimNode {
    let best: SimNode | undefined;
    for (const sn of this.nodes.values()) {
      const s = sn.node?.status();
      if (s?.role === 'leader' && (!best || s.term > best.node!.status().term)) best = sn;
    }
    return best ?? this.pick(index);
  }

  private start(sn: SimNode): void {
    sn.storage = sn.disk.load();
    const snap = sn.storage.snapshot() as Snapshot;
    sn.app = decodeApp(snap.data);
    this.checker.onSnapshotInstalled(sn.id, sn.app);
    sn.lastCommit = 0;
    sn.readsWaiting = [];
    sn.node = new RawNode({
      id: sn.id,
      electionTicks: this.electionTicks,
      heartbeatTicks: this.heartbeatTicks,
      storage: sn.storage,
      seed: this.rng.nextU32(),
      plantedBugs: this.opts.bugs,
      ...(this.opts.knobs ?? DEFAULT_KNOBS),
    });
  }

  run(actions: readonly Action[]): void {
    for (const a of actions) this.apply(a);
    this.checkLiveness();
  }

  apply(a: Action): void {
    this.step++;
    switch (a.t) {
      case 'tick':
        for (let i = 0; i < a.n; i++) this.tickOnce();
        break;
      case 'propose': {
        const sn = this.leaderOr(a.node);
        if (!sn.node) break;
        for (let i = 0; i < a.count; i++) {
          const id = this.nextProposal++;
          try {
            sn.node.propose(encodeU32(id));
            this.stats.proposals++;
            this.log(`propose ${id} on ${sn.id}`);
          } catch (e) {
            if (!(e instanceof ProposalDroppedError)) throw e;
          }
        }
        break;
      }
      case 'read': {
        const sn = this.leaderOr(a.node);
        if (!sn.node) break;
        const ctx = this.nextRead++;
        try {
          sn.node.readIndex(encodeU32(ctx));
          this.reads.set(ctx, { minCount: this.checker.appliedLength(), minFromReads: this.checker.maxReadResult });
          this.log(`read ${ctx} on ${sn.id}`);
        } catch (e) {
          if (!(e instanceof ProposalDroppedError)) throw e;
        }
        break;
      }
      case 'crash': {
        const sn = this.pick(a.node);
        if (!sn.node) break;
        const keep = this.rng.int(sn.disk.unsyncedCount() + 1);
        sn.disk.crash(keep);
        sn.node = undefined;
        this.stats.crashes++;
        this.log(`crash ${sn.id} (kept ${keep} unsynced writes)`);
        break;
      }
      case 'bounce': {
        const sn = this.pick(a.node);
        if (!sn.node) break;
        sn.disk.crash(this.rng.int(sn.disk.unsyncedCount() + 1));
        this.stats.crashes++;
        this.start(sn);
        this.log(`bounce ${sn.id}`);
        break;
      }
      case 'restart': {
        const sn = this.pick(a.node);
        if (sn.node) break;
        this.start(sn);
        this.log(`restart ${sn.id}`);
        break;
      }
      case 'partition': {
        this.blocked.clear();
        for (const a1 of this.ids) {
          for (const b of this.ids) {
            const sideA = (a.mask >> (a1 - 1)) & 1;
            const sideB = (a.mask >> (b - 1)) & 1;
            if (sideA !== sideB) this.blocked.add(`${a1}>${b}`);
          }
        }
        this.log(`partition mask ${a.mask.toString(2)}`);
        break;
      }
      case 'oneWay': {
        const from = this.pick(a.from).id;
        const to = this.pick(a.to).id;
        if (from !== to) this.blocked.add(`${from}>${to}`);
        this.log(`cut ${from}->${to}`);
        break;
      }
      case 'heal':
        this.blocked.clear();
        this.log('heal');
        break;
      case 'net':
        this.loss = a.loss;
        this.dup = a.dup;
        this.maxDelay = a.maxDelay;
        break;
      case 'transfer': {
        const sn = this.pick(a.node);
        sn.node?.transferLeadership(this.pick(a.to).id);
        break;
      }
      case 'snapshot':
        this.takeSnapshot(this.pick(a.node));
        break;
      case 'conf': {
        const leader = [...this.nodes.values()].find((n) => n.node?.status().role === 'leader');
        if (!leader?.node) break;
        const conf = leader.node.status().conf;
        const target = this.pick(a.node).id;
        // Keep at least three voters so the cluster can always make progress again.
        if (a.change === 'removeNode' && conf.voters.includes(target) && conf.voters.length <= 3) break;
        try {
          leader.node.proposeConfChange({ type: a.change, node: target });
          this.stats.confChanges++;
          this.log(`conf ${a.change} ${target}`);
        } catch (e) {
          if (!(e instanceof ProposalDroppedError)) throw e;
        }
        break;
      }
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
    this.processAll();
    this.check();
  }

  private tickOnce(): void {
    this.time++;
    for (const sn of this.nodes.values()) {
      // Clocks drift: a node occasionally misses a tick.
      if (sn.node && this.rng.int(10) !== 0) sn.node.tick();
    }
    this.processAll();
    this.deliverDue();
    this.check();
  }

  private deliverDue(): void {
    const due = this.queue.filter((f) => f.at <= this.time).sort((x, y) => x.at - y.at || x.seq - y.seq);
    this.queue = this.queue.filter((f) => f.at > this.time);
    for (const f of due) {
      const target = this.nodes.get(f.m.to);
      if (!target?.node) continue;
      this.stats.messages++;
      target.node.step(f.m);
      this.processAll();
    }
  }

  private send(m: Message): void {
    if (this.blocked.has(`${m.from}>${m.to}`)) return;
    if (this.rng.int(100) < this.loss) return;
    const copies = this.rng.int(100) < this.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.queue.push({ at: this.time + 1 + this.rng.int(this.maxDelay), seq: this.seq++, m });
    }
  }

  /** Run every node's Ready loop exactly as the contract says. */
  private processAll(): void {
    for (const sn of this.nodes.values()) {
      const node = sn.node;
      if (!node) continue;
      while (node.hasReady()) {
        const rd = node.ready();
        if (rd.snapshot) {
          sn.storage.applySnapshot(rd.snapshot);
          sn.disk.write({ kind: 'snapshot', snapshot: rd.snapshot });
          sn.app = decodeApp(rd.snapshot.data);
          this.checker.onSnapshotInstalled(sn.id, sn.app);
        }
        if (rd.entries.length > 0) {
          sn.storage.append(rd.entries);
          sn.disk.write({ kind: 'entries', entries: rd.entries });
        }
        if (rd.hardState) {
          sn.storage.setHardState(rd.hardState);
          sn.disk.write({ kind: 'hardState', hardState: rd.hardState });
        }
        if (rd.mustSync) sn.disk.sync();
        for (const m of rd.messages) this.send(m);
        for (const e of rd.committedEntries) this.applyEntry(sn, e);
        for (const rs of rd.readStates) sn.readsWaiting.push({ index: rs.index, ctx: decodeU32(rs.ctx) });
        if (rd.softState?.role === 'leader') this.stats.elections++;
        node.advance(rd);
        this.answerReads(sn);
      }
    }
  }

  private applyEntry(sn: SimNode, e: Entry): void {
    if (e.type !== EntryType.Normal || e.data.length === 0) return;
    const id = decodeU32(e.data);
    if (sn.app.length === this.checker.appliedLength()) this.stats.committed++;
    sn.app.push(id);
    this.checker.onApply(sn.id, sn.app.length - 1, id);
  }

  private answerReads(sn: SimNode): void {
    const applied = sn.node!.status().applied;
    const ready = sn.readsWaiting.filter((r) => r.index <= applied);
    if (ready.length === 0) return;
    sn.readsWaiting = sn.readsWaiting.filter((r) => r.index > applied);
    for (const r of ready) {
      const pending = this.reads.get(r.ctx);
      if (!pending) continue;
      this.reads.delete(r.ctx);
      this.stats.reads++;
      this.checker.onReadDone(sn.id, r.ctx, sn.app.length, pending.minCount, pending.minFromReads);
    }
  }

  private takeSnapshot(sn: SimNode): void {
    if (!sn.node) return;
    const s = sn.node.status();
    if (s.applied <= sn.storage.firstIndex() - 1) return;
    const snap = sn.storage.createSnapshot(s.applied, s.conf, encodeApp(sn.app));
    sn.storage.compact(s.applied);
    sn.disk.write({ kind: 'compact', snapshot: snap });
    sn.disk.sync();
    this.stats.snapshots++;
    this.log(`snapshot ${sn.id} at ${s.applied}`);
  }

  private check(): void {
    const live = [...this.nodes.values()].filter((n) => n.up);
    for (const sn of live) {
      const s = sn.node!.status();
      if (s.commit < sn.lastCommit) {
        throw new SimFailure(`commit index went back on node ${sn.id}: ${sn.lastCommit} -> ${s.commit}`, this.step);
      }
      sn.lastCommit = s.commit;
      if (s.role === 'leader') this.checker.onLeader(sn.id, s.term, sn.storage);
      this.checker.onCommit(sn.id, s.term, s.commit, sn.storage);
    }
    this.checker.logMatching(live.map((n) => ({ id: n.id, storage: n.storage })));
  }

  /** The membership as of the highest commit index any node holds: its last committed conf entry, else its snapshot's. */
  private committedMembership(): Set<NodeId> {
    let best: { commit: number; conf: ConfState } | undefined;
    for (const sn of this.nodes.values()) {
      const storage = sn.node ? sn.storage : sn.disk.load();
      const commit = Math.min(sn.node?.status().commit ?? storage.hardState().commit, storage.lastIndex());
      let conf = (storage.snapshot() as Snapshot).metadata.conf;
      if (commit >= storage.firstIndex()) {
        for (const e of storage.entries(storage.firstIndex(), commit + 1, Infinity) as readonly Entry[]) {
          if (e.type === EntryType.ConfChange) conf = decodeConfChange(e.data).conf;
        }
      }
      if (conf.voters.length > 0 && (!best || commit > best.commit)) best = { commit, conf };
    }
    return new Set(best ? [...best.conf.voters, ...best.conf.learners] : this.ids);
  }

  /** Heal everything, bring members back, and demand a leader and a new commit within a bound. */
  checkLiveness(): void {
    this.blocked.clear();
    this.loss = 0;
    this.dup = 0;
    this.maxDelay = 3;
    // Removed servers are decommissioned, as an operator would: one that never learnt of its own
    // removal times out forever and, without pre-vote or check-quorum, keeps deposing leaders
    // (the disruptive-server problem, Raft dissertation 4.2.3). Membership is judged by the node
    // that has committed the most.
    const members = this.committedMembership();
    for (const sn of this.nodes.values()) {
      if (!members.has(sn.id)) {
        if (sn.node) sn.disk.crash(0);
        sn.node = undefined;
      } else if (!sn.node) this.start(sn);
    }
    const bound = 60 * this.electionTicks;
    // A client retries with a new proposal whenever leadership moves (an uncommitted entry of a
    // deposed leader may rightly be overwritten); any one of them reaching every voter will do.
    const proposed: number[] = [];
    let proposedTo = '';
    for (let i = 0; i < bound; i++) {
      this.step++;
      this.tickOnce();
      // Membership may still change (a committed addVoter): start new members as an operator would.
      if (i % this.electionTicks === 0) {
        for (const id of this.committedMembership()) {
          const sn = this.nodes.get(id)!;
          if (!sn.node) this.start(sn);
        }
      }
      const leader = [...this.nodes.values()].find((n) => n.node?.status().role === 'leader');
      if (!leader) continue;
      const status = leader.node!.status();
      const voters = status.conf.voters.map((id) => this.nodes.get(id)!);
      if (proposed.some((p) => voters.every((v) => v.app.includes(p)))) return;
      const at = `${leader.id}@${status.term}`;
      if (at === proposedTo) continue;
      try {
        const id = this.nextProposal++;
        leader.node!.propose(encodeU32(id));
        proposed.push(id);
        proposedTo = at;
      } catch (e) {
        if (!(e instanceof ProposalDroppedError)) throw e;
      }
    }
    throw new SimFailure(
      `liveness: no leader committed a proposal to every voter within ${bound} ticks after healing (proposals tried: ${proposed.join(', ') || 'none accepted'})`,
      this.step,
    );
  }
}

export function encodeU32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function decodeU32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
}

function encodeApp(app: readonly number[]): Uint8Array {
  const b = new Uint8Array(app.length * 4);
  const v = new DataView(b.buffer);
  app.forEach((id, i) => v.setUint32(i * 4, id));
  return b;
}

function decodeApp(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 4 }, (_, i) => v.getUint32(i * 4));
}
