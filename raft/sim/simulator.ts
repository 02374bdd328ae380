import { InvariantError } from '../assert';
import { decodeConfChange } from '../conf-change';
import type { MemoryStorage } from '../memory-storage';
import { Rng } from '../rng';
import { RawNode } from '../raw-node';
import { plantBugs } from '../planted-bugs';
import {
  type ConfChange,
  type ConfState,
  type Config,
  type Entry,
  EntryType,
  type NodeId,
  ProposalDroppedError,
  type Ready,
  type Snapshot,
} from '../types';
import { decodeApplied, decodeId, encodeApplied, encodeId } from './app';
import { type Bug, coreBugs } from './bugs';
import { Checker } from './checker';
import { VirtualDisk } from './disk';
import { SimFailure } from './failure';
import { CALM, VirtualNetwork } from './network';

/** Every schedule draws node ids from this fixed pool; ids above the initial voters are spares to add. */
export const POOL: readonly NodeId[] = [1, 2, 3, 4, 5, 6, 7];

/** A node chosen by position, or whichever node is leader (of the highest term) at that moment. */
export type Target = number | 'leader';

/**
 * One thing a schedule does. Numbers that name nodes are positions, taken modulo the size of the
 * set they choose from: the pool for most actions, the live members for crash/bounce, the crashed
 * nodes for restart. So every action means something whatever state the cluster is in.
 */
export type Action =
  /** Advance the clock n ticks, or fewer: stop after the tick in which a leader is elected or a commit index moves. */
  | { t: 'tick'; n: number; until?: 'leader' | 'commit' }
  /**
   * A client proposes `count` values: to the leader if it follows redirects ('leader'), else to
   * one node, whatever that node believes (a client cut off with a stale leader).
   */
  | { t: 'propose'; node: Target; count: number }
  /** A client reads through ReadIndex, on the leader or on one node (see propose). */
  | { t: 'read'; node: Target }
  | { t: 'crash'; node: Target }
  /** Crash and restart at once: a process restart in the middle of whatever was going on. */
  | { t: 'bounce'; node: Target }
  | { t: 'restart'; node: number }
  /**
   * The node's disk is erased or replaced (synced data included) and the node crashes. It stays
   * down until the readmission protocol (see Readmission) lets it back in, as a learner.
   */
  | { t: 'wipe'; node: Target }
  /** Bit i of mask puts POOL[i] on one side or the other; no message crosses. Replaces any cut. */
  | { t: 'partition'; mask: number }
  /** Cut one node off from everyone (both ways). Replaces any cut. */
  | { t: 'isolate'; node: Target }
  /** Cut the link from -> to only (adds to the cuts in place). */
  | { t: 'oneWay'; from: number; to: number }
  | { t: 'heal' }
  | { t: 'net'; loss: number; dup: number; maxDelay: number }
  /** Ask the leader to hand leadership to `to`. */
  | { t: 'transfer'; to: number }
  | { t: 'snapshot'; node: Target }
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
  /** Initial voters: POOL[0..nodes). */
  nodes: number;
  seed: number;
  knobs?: CoreKnobs;
  /** Planted bugs: the core's (raft/planted-bugs.ts) and the host's (bugs.ts). */
  bugs?: ReadonlySet<Bug>;
  electionTicks?: number;
  heartbeatTicks?: number;
  /** Receives every event, for replays. */
  log?: (line: string) => void;
}

const NO_MEMBERS: ConfState = { voters: [], learners: [] };

/**
 * Where a wiped node is in the readmission protocol, driven by the operator through the leader:
 *  - removing: down; the operator has the leader remove it (if its membership still has it);
 *  - adding:   down; its removal is committed and applied on the leader, which has been asked
 *              to add it as a learner (the entry at `add`);
 *  - promoting: that learner entry is committed: the node runs again, from an empty disk and no
 *              membership at all, and learns everything from the leader; it is made a voter again
 *              (if it was one) once it has caught up with the leader's commit index.
 */
interface Readmission {
  phase: 'removing' | 'adding' | 'promoting';
  wasVoter: boolean;
  add?: { index: number; term: number };
}

class SimNode {
  node: RawNode | undefined;
  /** What the node holds: its page cache while up, what its disk kept once crashed. */
  storage!: MemoryStorage;
  /** The application: proposal ids in the order applied. */
  app: number[] = [];
  /** Highest commit index seen in this incarnation. */
  lastCommit = 0;
  /** The term this node was leader of when its last Ready was done (0: not leader). */
  leaderTerm = 0;
  readsWaiting: Array<{ index: number; ctx: number }> = [];
  /** Set from a wipe until the node is back in (and a voter again, if it was one). */
  readmission: Readmission | undefined;

  constructor(
    readonly id: NodeId,
    readonly disk: VirtualDisk,
  ) {}
}

/**
 * A whole Raft group in one deterministic loop: virtual clock, virtual network, nodes that crash
 * and restart from their virtual disks, clients that propose, read and reconfigure. Every step is
 * followed by every live node's checkInvariants() and the safety checks of Checker. One seed and
 * one schedule replay bit for bit.
 */
export class Simulator {
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly rng: Rng;
  private readonly net: VirtualNetwork;
  private readonly checker: Checker;
  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  time = 0;
  step = 0;
  /** The latest membership anyone has applied, so the latest committed one, and the index it is at. */
  private latestConf: { index: number; conf: ConfState };
  private nextProposal = 1;
  private nextRead = 1;
  /** Invocation step of every proposal, and the step it was first applied (acknowledged). */
  readonly proposals = new Map<number, { invoked: number; acked?: number }>();
  private readonly reads = new Map<number, { invoked: number; minCount: number; minFromReads: number }>();
  /** Counts of what happened, for ticks that run until something does. */
  private readonly events = { elected: 0, commitMoved: 0 };
  readonly stats = {
    proposals: 0,
    committed: 0,
    reads: 0,
    crashes: 0,
    elections: 0,
    snapshots: 0,
    confChanges: 0,
    transfers: 0,
    messages: 0,
    /** Disks wiped; wiped nodes let back in (as learners); of those, made voters again. */
    wipes: 0,
    readmissions: 0,
    repromotions: 0,
  };
  private readonly bugs: ReadonlySet<Bug>;

  constructor(private readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    this.net = new VirtualNetwork(this.rng);
    this.electionTicks = opts.electionTicks ?? 10;
    this.heartbeatTicks = opts.heartbeatTicks ?? 2;
    this.checker = new Checker(() => this.step);
    this.bugs = opts.bugs ?? new Set();
    const voters = POOL.slice(0, opts.nodes);
    this.latestConf = { index: 0, conf: { voters, learners: [] } };
    for (const id of POOL) {
      // A spare starts knowing no membership: it learns it from the log once added.
      const conf: ConfState = voters.includes(id) ? { voters, learners: [] } : { voters: [], learners: [] };
      const sn = new SimNode(id, new VirtualDisk(conf));
      this.nodes.set(id, sn);
      this.start(sn);
    }
  }

  private log(line: string): void {
    this.opts.log?.(`[step ${this.step} t=${this.time}] ${line}`);
  }

  private byPosition(list: readonly SimNode[], i: number): SimNode | undefined {
    return list.length === 0 ? undefined : list[((i % list.length) + list.length) % list.length];
  }

  private pool(i: number): SimNode {
    return this.byPosition([...this.nodes.values()], i)!;
  }

  private live(): SimNode[] {
    return [...this.nodes.values()].filter((sn) => sn.node);
  }

  /** Wiped and not let back in yet: the node does not run, whatever the operator or a restart says. */
  private awaitingReadmission(sn: SimNode): boolean {
    return sn.readmission !== undefined && sn.readmission.phase !== 'promoting';
  }

  private readmissionPending(): boolean {
    for (const sn of this.nodes.values()) if (sn.readmission) return true;
    return false;
  }

  /** The live leader of the highest term, as a client following redirects finds it. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const sn of this.live()) {
      const s = sn.node!.status();
      if (s.role === 'leader' && (!best || s.term > best.node!.status().term)) best = sn;
    }
    return best;
  }

  /** Live nodes that some live node counts as a member: crashing a spare nobody added teaches little. */
  private liveMembers(): SimNode[] {
    const members = new Set<NodeId>();
    for (const sn of this.live()) {
      const { voters, learners } = sn.node!.status().conf;
      for (const id of [...voters, ...learners]) members.add(id);
    }
    return this.live().filter((sn) => members.has(sn.id));
  }

  private target(t: Target, among: readonly SimNode[]): SimNode | undefined {
    return t === 'leader' ? this.leader() : this.byPosition(among, t);
  }

  private start(sn: SimNode): void {
    sn.storage = sn.disk.load();
    sn.app = decodeApplied((sn.storage.snapshot() as Snapshot).data);
    this.checker.onSnapshotInstalled(sn.id, sn.app);
    sn.lastCommit = 0;
    sn.leaderTerm = 0;
    sn.readsWaiting = [];
    const config: Config = {
      id: sn.id,
      electionTicks: this.electionTicks,
      heartbeatTicks: this.heartbeatTicks,
      storage: sn.storage,
      seed: this.rng.nextU32(),
      ...(this.opts.knobs ?? DEFAULT_KNOBS),
    };
    sn.node = new RawNode(this.bugs.size > 0 ? plantBugs(config, coreBugs(this.bugs)) : config);
  }

  /** Power loss: the disk keeps what was synced and a random prefix of the rest. */
  private crash(sn: SimNode): void {
    const keep = this.rng.int(sn.disk.unsyncedCount() + 1);
    const lost = sn.disk.unsyncedCount() - keep;
    sn.disk.crash(keep);
    sn.node = undefined;
    sn.storage = sn.disk.load();
    this.stats.crashes++;
    this.log(`crash ${sn.id} (lost ${lost} unsynced writes)`);
  }

  /**
   * The node's disk is erased (synced data included) and the node crashes. With the protection
   * on, it stays down until the operator has had it removed from the membership and added back
   * as a learner (driveReadmissions). One wipe at a time, and only one the group survives (see
   * wipeLeavesQuorum): the group then runs on the others until the learner is promoted.
   */
  private wipe(sn: SimNode): void {
    if (this.readmissionPending() || this.latestConf.conf.voters.length < 3 || !this.wipeLeavesQuorum(sn.id)) return;
    const conf = sn.node!.status().conf;
    sn.node = undefined;
    sn.app = [];
    sn.readsWaiting = [];
    this.stats.wipes++;
    if (this.bugs.has('rejoinWipedAsVoter')) {
      // A careless host: back at once, with an empty disk but the membership it had before.
      sn.disk.wipe(conf);
      this.log(`wipe ${sn.id}: disk erased; it rejoins at once with membership voters [${conf.voters}] learners [${conf.learners}]`);
      this.start(sn);
      return;
    }
    sn.disk.wipe(NO_MEMBERS);
    sn.storage = sn.disk.load();
    sn.readmission = { phase: 'removing', wasVoter: this.latestConf.conf.voters.includes(sn.id) };
    this.log(`wipe ${sn.id}: disk erased; it stays down until removed and added back as a learner`);
  }

  /**
   * "Never below 3 voters" for a wipe, and more: every membership that some node holds, or may fall
   * back to on a restart (a node restarts with the membership it recorded but re-applies its log
   * from its snapshot up to its stable commit index, so through every membership change in its
   * log), and that lists `id` as a voter, must keep a majority among the voters that are in every
   * such membership (so never stopped as removed) other than `id`. Else a node acting on that
   * membership would wait forever for the wiped node's vote (it is down until removed, and removing
   * it needs a leader). The simulator found both: a voter that lost its unsynced commit index just
   * after a readmission promoted the learner back campaigns with the 2-voter membership of the
   * removal; and voters that had not yet applied the leader's removal of itself, once it was
   * stopped as removed, still needed it or the wiped node.
   */
  private wipeLeavesQuorum(id: NodeId): boolean {
    const confs: ConfState[] = [this.latestConf.conf];
    for (const sn of this.nodes.values()) {
      if (this.awaitingReadmission(sn)) continue;
      if (sn.node) confs.push(sn.node.status().conf);
      const s = sn.storage;
      confs.push(s.initialState().conf);
      if (s.lastIndex() < s.firstIndex()) continue;
      for (const e of s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity) as readonly Entry[]) {
        if (e.type === EntryType.ConfChange) confs.push(decodeConfChange(e.data).conf);
      }
    }
    const known = confs.filter((c) => c.voters.length > 0);
    const staying = known.reduce((acc, c) => acc.filter((v) => c.voters.includes(v)), [...known[0].voters]).filter((v) => v !== id);
    return known.every((c) => !c.voters.includes(id) || staying.filter((v) => c.voters.includes(v)).length > c.voters.length / 2);
  }

  /** The operator's membership change, through the leader; undefined if the leader refused it (for now). */
  private operatorConfChange(leader: SimNode, change: ConfChange): { index: number; term: number } | undefined {
    try {
      const at = leader.node!.proposeConfChange(change);
      this.stats.confChanges++;
      this.log(`operator: ${change.type} ${change.node} proposed on ${leader.id} at index ${at.index} term ${at.term}`);
      return at;
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      return undefined;
    }
  }

  /**
   * The operator's side of the readmission protocol, one move per wiped node whenever it looks
   * (between actions, and every tick of the final heal phase), acting through the current leader.
   */
  private driveReadmissions(finalHeal = false): void {
    for (const sn of this.nodes.values()) {
      const r = sn.readmission;
      if (!r) continue;
      const leader = this.leader();
      if (!leader) return;
      const { conf, commit } = leader.node!.status();
      const id = sn.id;
      switch (r.phase) {
        case 'removing': {
          if (conf.voters.includes(id) || conf.learners.includes(id)) {
            this.operatorConfChange(leader, { type: 'removeNode', node: id });
            break;
          }
          // The leader accepts a membership change only once every change in its log is applied
          // and it has committed an entry of its term: then its membership, which lacks the node,
          // is the committed one, and every later one descends from it.
          const add = this.operatorConfChange(leader, { type: 'addLearner', node: id });
          if (add) {
            r.phase = 'adding';
            r.add = add;
          }
          break;
        }
        case 'adding': {
          if (this.checker.committedTerm(r.add!.index) !== r.add!.term) {
            // Not committed yet, or never will be (overwritten, or lost with a deposed leader's
            // log). Proposed again if the leader accepts it: a leader accepts a change only once
            // its log holds no unapplied one and it has committed an entry of its term, so the
            // old learner entry is then not in its log and can never commit.
            if (!conf.voters.includes(id) && !conf.learners.includes(id)) {
              const add = this.operatorConfChange(leader, { type: 'addLearner', node: id });
              if (add) r.add = add;
            }
            break;
          }
          // Back in: an empty disk, no membership, a fresh RawNode; it learns the rest from the leader.
          sn.disk.wipe(NO_MEMBERS);
          this.start(sn);
          this.stats.readmissions++;
          this.log(`readmit ${id}: learner entry ${r.add!.index} is committed; it starts with an empty disk and no membership`);
          r.phase = 'promoting';
          if (!r.wasVoter) sn.readmission = undefined;
          break;
        }
        case 'promoting': {
          if (conf.voters.includes(id)) {
            this.stats.repromotions++;
            this.log(`readmit ${id}: a voter again`);
            sn.readmission = undefined;
            break;
          }
          if (finalHeal && sn.node && sn.node.status().term > leader.node!.status().term) {
            // Stuck for good: a removed node's candidacies moved the learner to a later term, and
            // with pre-vote and check-quorum off it ignores the leader's older term without
            // answering, so the leader never learns of it. The operator starts the readmission
            // over (the learner's votes and acks never counted): stop it, erase it, remove it.
            sn.node = undefined;
            sn.disk.wipe(NO_MEMBERS);
            sn.storage = sn.disk.load();
            sn.app = [];
            r.phase = 'removing';
            r.add = undefined;
            this.log(`readmit ${id}: stuck in a later term than the leader's; erased and readmitted again`);
            break;
          }
          const pr = leader.node!.status().progress?.find((p) => p.id === id);
          if (pr && pr.isLearner && pr.match >= commit) this.operatorConfChange(leader, { type: 'addVoter', node: id });
          break;
        }
        default: {
          const never: never = r.phase;
          throw new Error(`unknown readmission phase ${String(never)}`);
        }
      }
    }
  }

  /**
   * Run a schedule, then the liveness check. An invariant the core asserts inline (raft/assert.ts)
   * is a safety violation like any other: it is reported as a SimFailure at the step it broke in,
   * so the seed, shrinking and replay machinery treat it the same.
   */
  run(actions: readonly Action[]): void {
    try {
      for (const a of actions) this.apply(a);
      this.checkLiveness();
    } catch (e) {
      if (e instanceof InvariantError) throw new SimFailure(`invariant: ${e.message}`, this.step);
      throw e;
    }
  }

  apply(a: Action): void {
    this.step++;
    if (a.t !== 'tick') this.log(JSON.stringify(a));
    switch (a.t) {
      case 'tick': {
        const seen = { ...this.events };
        for (let i = 0; i < a.n; i++) {
          if (i > 0) this.step++; // every tick is a step of its own
          this.tickOnce();
          if (a.until === 'leader' && this.events.elected !== seen.elected) break;
          if (a.until === 'commit' && this.events.commitMoved !== seen.commitMoved) break;
        }
        break;
      }
      case 'propose': {
        const sn = this.target(a.node, [...this.nodes.values()]);
        for (let i = 0; i < a.count && sn?.node; i++) this.propose(sn);
        break;
      }
      case 'read': {
        const sn = this.target(a.node, [...this.nodes.values()]);
        if (sn) this.read(sn);
        break;
      }
      case 'crash': {
        const sn = this.target(a.node, this.liveMembers());
        if (sn?.node) this.crash(sn);
        break;
      }
      case 'bounce': {
        const sn = this.target(a.node, this.liveMembers());
        if (!sn?.node) break;
        this.crash(sn);
        this.start(sn);
        break;
      }
      case 'restart': {
        const sn = this.byPosition([...this.nodes.values()].filter((n) => !n.node && !this.awaitingReadmission(n)), a.node);
        if (sn) this.start(sn);
        break;
      }
      case 'wipe': {
        const sn = this.target(a.node, this.liveMembers());
        if (sn?.node) this.wipe(sn);
        break;
      }
      case 'partition':
        this.net.partition(POOL, a.mask);
        break;
      case 'isolate': {
        const sn = this.target(a.node, [...this.nodes.values()]);
        if (sn) this.net.partition(POOL, 1 << POOL.indexOf(sn.id));
        break;
      }
      case 'oneWay':
        this.net.cutLink(this.pool(a.from).id, this.pool(a.to).id);
        break;
      case 'heal':
        this.net.heal();
        break;
      case 'net':
        this.net.conditions = { loss: a.loss, dup: a.dup, maxDelay: a.maxDelay };
        break;
      case 'transfer': {
        const leader = this.leader();
        const to = this.pool(a.to).id;
        if (leader && to !== leader.id) {
          leader.node!.transferLeadership(to);
          this.stats.transfers++;
        }
        break;
      }
      case 'snapshot': {
        const sn = this.target(a.node, [...this.nodes.values()]);
        if (sn) this.takeSnapshot(sn);
        break;
      }
      case 'conf':
        this.changeMembership(a.change, this.pool(a.node).id);
        break;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
    this.processAll();
    if (this.readmissionPending()) {
      this.driveReadmissions();
      this.processAll();
    }
    this.check();
  }

  private propose(sn: SimNode): number | undefined {
    const id = this.nextProposal++;
    try {
      const at = sn.node!.propose(encodeId(id));
      this.proposals.set(id, { invoked: this.step });
      this.stats.proposals++;
      this.log(`propose ${id} on ${sn.id} -> index ${at.index} term ${at.term}`);
      return id;
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      return undefined;
    }
  }

  private read(sn: SimNode): void {
    if (!sn.node) return;
    const ctx = this.nextRead++;
    try {
      sn.node.readIndex(encodeId(ctx));
      // What the read must at least see: every write acknowledged anywhere, every read finished.
      this.reads.set(ctx, { invoked: this.step, minCount: this.checker.appliedLength(), minFromReads: this.checker.maxReadResult });
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
    }
  }

  private changeMembership(change: 'addLearner' | 'addVoter' | 'removeNode', target: NodeId): void {
    const leader = this.leader();
    if (!leader) return;
    const { voters } = leader.node!.status().conf;
    // At least three voters, so that the cluster can always make progress again.
    if (change === 'removeNode' && voters.includes(target) && voters.length <= 3) return;
    // A wiped node's membership is the operator's (driveReadmissions) until it is back in; then
    // the ordinary promotion may still come first.
    const r = this.nodes.get(target)!.readmission;
    if (r && !(r.phase === 'promoting' && change === 'addVoter')) return;
    try {
      const at = leader.node!.proposeConfChange({ type: change, node: target });
      this.stats.confChanges++;
      this.log(`${change} ${target} proposed on ${leader.id} at index ${at.index}`);
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
    }
  }

  private tickOnce(): void {
    this.time++;
    for (const sn of this.live()) {
      // Clocks drift: a node now and then misses a tick.
      if (this.rng.int(10) !== 0) sn.node!.tick();
    }
    this.processAll();
    for (const m of this.net.takeDue(this.time)) {
      const target = this.nodes.get(m.to);
      if (!target?.node) continue;
      this.stats.messages++;
      target.node.step(m);
      this.processReady(target);
    }
    this.check();
  }

  private processAll(): void {
    for (const sn of this.nodes.values()) this.processReady(sn);
  }

  /** Drain a node's Ready batches, in exactly the order the contract (raft/types.ts Ready) gives. */
  private processReady(sn: SimNode): void {
    const node = sn.node;
    if (!node) return;
    while (node.hasReady()) {
      const rd = node.ready();
      if (sn.leaderTerm !== 0 && rd.entries.length > 0) {
        const s = node.status();
        if (s.role === 'leader' && s.term === sn.leaderTerm) this.checker.onLeaderAppend(sn.id, s.term, rd.entries[0].index, sn.storage.lastIndex());
      }
      if (rd.snapshot) {
        sn.storage.applySnapshot(rd.snapshot);
        sn.disk.write({ kind: 'snapshot', snapshot: rd.snapshot });
        sn.app = decodeApplied(rd.snapshot.data);
        this.checker.onSnapshotInstalled(sn.id, sn.app);
        this.onMembershipApplied(rd.snapshot.metadata.index, rd.snapshot.metadata.conf);
        this.log(`${sn.id} installs snapshot at ${rd.snapshot.metadata.index} (${sn.app.length} values)`);
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
      if (rd.softState) this.onSoftState(sn, rd);
      for (const m of rd.messages) this.net.send(m, this.time);
      for (const e of rd.committedEntries) this.applyEntry(sn, e);
      for (const rs of rd.readStates) sn.readsWaiting.push({ index: rs.index, ctx: decodeId(rs.ctx) });
      node.advance(rd);
      const after = node.status();
      sn.leaderTerm = after.role === 'leader' ? after.term : 0;
      if (rd.committedEntries.some((e) => e.type === EntryType.ConfChange)) {
        // Record the membership the node now applies, so that a restart keeps it.
        const conf = node.status().conf;
        sn.storage.setConf(conf);
        sn.disk.write({ kind: 'conf', conf });
        this.log(`${sn.id} applies membership voters [${conf.voters}] learners [${conf.learners}]`);
      }
      this.answerReads(sn);
    }
  }

  private onSoftState(sn: SimNode, rd: Ready): void {
    const s = sn.node!.status();
    this.log(`${sn.id} is ${rd.softState!.role} in term ${s.term} (leader ${rd.softState!.leader})`);
    if (rd.softState!.role !== 'leader') return;
    this.stats.elections++;
    this.events.elected++;
    // Checked here as well as after the step: a leader may win and lose within one step.
    this.checker.onLeader(sn.id, s.term, sn.storage);
  }

  private onMembershipApplied(index: number, conf: ConfState): void {
    if (index > this.latestConf.index) this.latestConf = { index, conf };
  }

  private applyEntry(sn: SimNode, e: Entry): void {
    if (e.type === EntryType.ConfChange) this.onMembershipApplied(e.index, decodeConfChange(e.data).conf);
    if (e.type !== EntryType.Normal || e.data.length === 0) return;
    const id = decodeId(e.data);
    sn.app.push(id);
    const isNew = sn.app.length > this.checker.appliedLength();
    this.checker.onApply(sn.id, sn.app.length - 1, id);
    if (!isNew) return;
    this.stats.committed++;
    const p = this.proposals.get(id);
    if (p && p.acked === undefined) p.acked = this.step;
    this.log(`${sn.id} applies ${id} at position ${sn.app.length - 1} (proposed at step ${p?.invoked})`);
  }

  /** A read returns once its node has applied up to the read's index. */
  private answerReads(sn: SimNode): void {
    if (sn.readsWaiting.length === 0) return;
    const applied = sn.node!.status().applied;
    const done = sn.readsWaiting.filter((r) => r.index <= applied);
    sn.readsWaiting = sn.readsWaiting.filter((r) => r.index > applied);
    for (const r of done) {
      const pending = this.reads.get(r.ctx);
      if (!pending) continue;
      this.reads.delete(r.ctx);
      this.stats.reads++;
      this.log(`read ${r.ctx} (invoked at step ${pending.invoked}) on ${sn.id} returns ${sn.app.length} values`);
      this.checker.onReadDone(sn.id, r.ctx, sn.app.length, pending.minCount, pending.minFromReads);
    }
  }

  /** The host's snapshot: the applied state at the applied index, then the log before it is dropped. */
  private takeSnapshot(sn: SimNode): void {
    if (!sn.node) return;
    const s = sn.node.status();
    if (s.applied <= sn.storage.firstIndex() - 1) return;
    const snap = sn.storage.createSnapshot(s.applied, s.conf, encodeApplied(sn.app));
    sn.storage.compact(s.applied);
    sn.disk.write({ kind: 'compact', snapshot: snap });
    sn.disk.sync();
    this.stats.snapshots++;
    this.log(`${sn.id} snapshots at ${s.applied} and compacts`);
  }

  private check(): void {
    // Each node's own state first (raft.ts checkInvariants: the log, membership, role, progress).
    for (const sn of this.nodes.values()) {
      try {
        sn.node?.checkInvariants();
      } catch (e) {
        if (e instanceof InvariantError) throw new SimFailure(`invariant of node ${sn.id}: ${e.message}`, this.step);
        throw e;
      }
    }
    // Lowest term first: an entry is recorded as committed in the earliest term anyone saw it so.
    const live = this.live().sort((a, b) => a.node!.status().term - b.node!.status().term);
    for (const sn of live) {
      const s = sn.node!.status();
      if (s.commit < sn.lastCommit) {
        throw new SimFailure(`commit index went back on node ${sn.id}: ${sn.lastCommit} -> ${s.commit}`, this.step);
      }
      if (s.commit > sn.lastCommit) this.events.commitMoved++;
      sn.lastCommit = s.commit;
      if (s.role === 'leader') this.checker.onLeader(sn.id, s.term, sn.storage);
      this.checker.onCommit(sn.id, s.term, s.commit, sn.storage);
    }
    this.checker.logMatching(live.map((n) => ({ id: n.id, storage: n.storage })));
    const awaiting = new Set([...this.nodes.values()].filter((sn) => this.awaitingReadmission(sn)).map((sn) => sn.id));
    this.checker.committedOnQuorum(this.latestConf.conf.voters, (id) => this.nodes.get(id)!.storage, awaiting);
  }

  /** Members by the node that has applied the most: its applied membership is committed. */
  private committedMembers(): Set<NodeId> {
    let best: { applied: number; conf: ConfState } | undefined;
    for (const sn of this.live()) {
      const s = sn.node!.status();
      if (s.conf.voters.length > 0 && (!best || s.applied > best.applied)) best = { applied: s.applied, conf: s.conf };
    }
    return new Set(best ? [...best.conf.voters, ...best.conf.learners] : []);
  }

  /**
   * Start the members that are down and stop the servers that were removed, as an operator would.
   * The first time every node is started, so that membership is judged on everyone's log.
   */
  private operate(first: boolean): void {
    const before = first ? undefined : this.committedMembers();
    for (const sn of this.nodes.values()) {
      if (!sn.node && !this.awaitingReadmission(sn) && (!before || before.has(sn.id))) this.start(sn);
    }
    this.processAll();
    const members = this.committedMembers();
    for (const sn of this.nodes.values()) {
      // A removed server that never learnt of its removal times out forever and, without pre-vote
      // or check-quorum, keeps deposing leaders (Raft dissertation 4.2.3): decommission it.
      if (!members.has(sn.id) && sn.node) {
        const { voters, learners } = sn.node.status().conf;
        if (voters.length + learners.length > 0) this.log(`decommission ${sn.id}: not a member of [${[...members]}]`);
        sn.disk.crash(0);
        sn.node = undefined;
        sn.storage = sn.disk.load();
      }
    }
  }

  /**
   * Heal everything, bring members back, and demand a leader and a new commit on every voter within
   * a bound. A wiped node's readmission must be finished first (removal, learner, promotion), within
   * 5 times that bound: until then the group runs one voter short, so every remaining voter may be
   * needed, and without pre-vote a voter with a stale log can keep the up-to-date ones from winning
   * an election for a long while (it can never win itself, but each of its candidacies restarts
   * their election timers); the commit is then demanded within the same bound as ever, counted from
   * the end of the readmission.
   */
  checkLiveness(): void {
    this.net.heal();
    this.net.conditions = { ...CALM };
    this.log('liveness: heal, calm network, restart members');
    const bound = 10 * this.electionTicks * this.opts.nodes;
    const readmissionBound = 5 * bound;
    /** The tick from which the bound runs: once no readmission is pending. */
    let from = this.readmissionPending() ? undefined : 0;
    // A client retries with a new proposal whenever leadership moves (an uncommitted entry of a
    // deposed leader may rightly be overwritten); any one of them reaching every voter will do.
    const proposed: number[] = [];
    let proposedTo = '';
    for (let i = 0; from === undefined ? i < readmissionBound : i < from + bound; i++) {
      if (i % this.electionTicks === 0) this.operate(i === 0);
      this.step++;
      this.tickOnce();
      if (from === undefined) {
        // The operator finishes any readmission: removal, learner, and promotion.
        this.driveReadmissions(true);
        this.processAll();
        this.check();
        if (!this.readmissionPending()) {
          from = i + 1;
          this.log(`liveness: readmission finished after ${i + 1} ticks`);
        }
      }
      const leader = this.leader();
      if (!leader) continue;
      const status = leader.node!.status();
      const voters = status.conf.voters.map((id) => this.nodes.get(id)!);
      if (from !== undefined && proposed.some((p) => voters.every((v) => v.app.includes(p)))) {
        this.log(`liveness: leader ${leader.id} committed a new value to every voter after ${i + 1} ticks`);
        return;
      }
      const at = `${leader.id}@${status.term}`;
      if (at === proposedTo) continue;
      const id = this.propose(leader);
      if (id === undefined) continue;
      proposed.push(id);
      proposedTo = at;
    }
    if (from === undefined) {
      const waiting = [...this.nodes.values()].filter((sn) => sn.readmission).map((sn) => `${sn.id} (${sn.readmission!.phase})`);
      throw new SimFailure(`liveness: the readmission of wiped node ${waiting.join(', ')} did not finish within ${readmissionBound} ticks of healing`, this.step);
    }
    throw new SimFailure(
      `liveness: no leader committed a new value to every voter within ${bound} ticks of healing${from > 0 ? ` and readmission` : ''} (values tried: ${proposed.join(', ') || 'none accepted'})`,
      this.step,
    );
  }
}
