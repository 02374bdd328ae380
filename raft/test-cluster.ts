import { MemoryStorage } from './memory-storage';
import { type PlantedBug, plantBugs } from './planted-bugs';
import { RawNode } from './raw-node';
import type { Config, Entry, Message, NodeId, ReadState } from './types';

/**
 * A minimal synchronous harness for the core's own unit tests: nodes over MemoryStorage, a
 * message queue the test can filter, and a host loop that honours the Ready contract. Every
 * delivery and every advance is followed by the node's checkInvariants(). (The randomised,
 * crash-injecting simulator lives in raft/sim/.)
 */
export class TestCluster {
  readonly nodes = new Map<NodeId, RawNode>();
  readonly storages = new Map<NodeId, MemoryStorage>();
  readonly applied = new Map<NodeId, Entry[]>();
  readonly reads = new Map<NodeId, ReadState[]>();
  /** Every message delivered, for tests that inspect traffic. */
  readonly delivered: Message[] = [];
  /** Return false to drop a message, true to deliver it, or a replacement message. */
  filter: (m: Message) => Message | boolean = () => true;
  private queue: Message[] = [];

  constructor(
    ids: NodeId[],
    private readonly overrides: Partial<Config> = {},
    learners: NodeId[] = [],
    /** Bugs planted in every node of the cluster (raft/planted-bugs.ts). */
    private readonly bugs?: ReadonlySet<PlantedBug>,
  ) {
    for (const id of [...ids, ...learners]) this.add(id, { voters: ids, learners });
  }

  add(id: NodeId, conf: { voters: NodeId[]; learners: NodeId[] }, storage = new MemoryStorage(conf)): RawNode {
    const config: Config = { id, electionTicks: 10, heartbeatTicks: 1, storage, seed: id * 7919, ...this.overrides };
    const node = new RawNode(this.bugs ? plantBugs(config, this.bugs) : config);
    this.nodes.set(id, node);
    this.storages.set(id, storage);
    if (!this.applied.has(id)) this.applied.set(id, []);
    if (!this.reads.has(id)) this.reads.set(id, []);
    return node;
  }

  node(id: NodeId): RawNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Process every node's Ready, then deliver queued messages, until quiet. */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      let progressed = this.processReadies();
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) {
        const target = this.nodes.get(m.to);
        const verdict = target ? this.filter(m) : false;
        if (!target || verdict === false) continue;
        const delivered = verdict === true ? m : verdict;
        this.delivered.push(delivered);
        target.step(delivered);
        target.checkInvariants();
        progressed = true;
      }
      if (!progressed) return;
    }
    throw new Error('cluster did not stabilise');
  }

  processReadies(): boolean {
    let any = false;
    for (const [id, node] of this.nodes) {
      while (node.hasReady()) {
        any = true;
        const rd = node.ready();
        const storage = this.storages.get(id)!;
        if (rd.snapshot) {
          storage.applySnapshot(rd.snapshot);
          this.applied.set(id, []);
        }
        storage.append(rd.entries);
        if (rd.hardState) storage.setHardState(rd.hardState);
        this.queue.push(...rd.messages);
        this.applied.get(id)!.push(...rd.committedEntries);
        this.reads.get(id)!.push(...rd.readStates);
        node.advance(rd);
        node.checkInvariants();
        storage.setConf(node.status().conf);
      }
    }
    return any;
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.node(id).tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const node of this.nodes.values()) node.tick();
      this.stabilize();
    }
  }

  /** Elect `id` by campaigning directly. */
  elect(id: NodeId): void {
    this.node(id).campaign();
    this.stabilize();
  }

  leader(): NodeId | undefined {
    const leaders = [...this.nodes.values()].map((n) => n.status()).filter((s) => s.role === 'leader');
    const top = Math.max(...leaders.map((s) => s.term));
    return leaders.find((s) => s.term === top)?.id;
  }

  /** Application data applied on `id`, as strings (no-ops and conf changes left out). */
  data(id: NodeId): string[] {
    return this.applied
      .get(id)!
      .filter((e) => e.type === 0 && e.data.length > 0)
      .map((e) => new TextDecoder().decode(e.data));
  }

  /** Restart `id` from what it persisted (everything here is synced). */
  restart(id: NodeId): RawNode {
    const storage = this.storages.get(id)!;
    const fresh = new MemoryStorage(storage.initialState().conf);
    const snap = storage.snapshot();
    if (typeof snap !== 'symbol' && snap.metadata.index > 0) fresh.applySnapshot(snap);
    fresh.append(storage.allEntries());
    fresh.setHardState(storage.hardState());
    this.applied.set(id, []);
    return this.add(id, { voters: [], learners: [] }, fresh);
  }
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
