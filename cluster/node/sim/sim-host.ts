import type { Entry, NodeId, ReadState, Rng, Snapshot, SoftState } from '../../../raft';
import { LogStore, SimKv, type SimKvOptions } from '../../../log-store';
import type { RetentionConfig, StateOptions } from '../../partition';
import type { SnapshotMessage } from '../../transport';
import type { HostClock } from '../host-clock';
import { type GroupFailure, type GroupStateMachine, MultiRaft } from '../multi-raft';
import { PartitionReplica } from '../partition-replica';
import { plantHostBugs, type PlantedHostBug } from '../planted-host-bugs';
import { enqueueRetention } from '../retention-work';
import { RpcError } from '../rpc-errors';
import { hostStore } from '../store-adapter';
import type { HostChecker } from './host-checker';
import { type NetEndpoint, SimNetwork } from './sim-network';
import type { VirtualTime } from './virtual-time';

export interface SimHostConfig {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly partitions: number;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly stateOptions: Partial<StateOptions>;
  readonly retention: RetentionConfig;
  readonly kv: SimKvOptions;
  readonly bugs: ReadonlySet<PlantedHostBug>;
}

export type HostStatus = 'starting' | 'up' | 'down' | 'refused';

/** The group of partition p (group 0 is the metadata group in production; the simulation has none). */
export const groupOf = (partition: number) => partition + 1;

/** A client call in flight on a host: a crash answers it "connection lost" (outcome unknown). */
interface PendingCall {
  lost(): void;
}

/**
 * One simulated Flotilla node: the production host (MultiRaft, the LevelDB store adapter over a
 * simulated LevelDB, PartitionReplica with its leader sessions and index waiters, retention
 * work, deadline expiry) on the virtual clock, joined to the simulated network. A crash kills
 * the process: the simulated disk keeps what it synced (and some of what it did not), every
 * timer dies, every client call in flight loses its connection; a restart opens the store again.
 */
export class SimHost implements NetEndpoint {
  status: HostStatus = 'down';
  incarnation = 0;
  kv: SimKv;
  store: LogStore | undefined;
  multi: MultiRaft | undefined;
  readonly replicas = new Map<number, PartitionReplica>();
  /** Why the store refused to open (a corrupted state record), when status is 'refused'. */
  refusal = '';
  private clock: (HostClock & { kill(): void }) | undefined;
  private readonly calls = new Set<PendingCall>();
  /** Applies that will throw (injected faults), per group. */
  private readonly applyFaults = new Map<number, number>();
  readonly stats = { groupFailures: 0, repairs: 0, restarts: 0 };

  constructor(
    readonly config: SimHostConfig,
    private readonly time: VirtualTime,
    rng: Rng,
    private readonly net: SimNetwork,
    private readonly checker: HostChecker,
    private readonly log: (line: string) => void,
  ) {
    this.kv = new SimKv({ int: (n) => rng.int(n), after: (d, fn) => void time.after(d, fn) }, config.kv);
    net.attach(config.id, this);
  }

  get id(): NodeId {
    return this.config.id;
  }

  get reachable(): boolean {
    return this.status === 'up';
  }

  /** Start the node process: open the store, host every partition's group, start the timers. */
  async boot(): Promise<void> {
    if (this.status === 'up' || this.status === 'starting') return; // one process per node
    const incarnation = ++this.incarnation;
    this.status = 'starting';
    const clock = this.time.clock();
    this.clock = clock;
    let store: LogStore;
    try {
      await this.kv.open();
      if (incarnation !== this.incarnation) return;
      store = await LogStore.openOn(this.kv, `sim node ${this.id}`, { clusterId: 'sim', nodeId: this.id });
    } catch (e) {
      if (incarnation !== this.incarnation) return;
      this.status = 'refused';
      this.refusal = e instanceof Error ? e.message : String(e);
      this.log(`node ${this.id} refuses to start: ${this.refusal}`);
      return;
    }
    if (incarnation !== this.incarnation) return; // crashed while opening
    this.store = store;
    const c = this.config;
    const options = plantHostBugs(
      {
        nodeId: this.id,
        store: hostStore(store),
        transport: this.net.transport(this.id),
        tickMs: c.tickMs,
        electionTicks: c.electionTicks,
        heartbeatTicks: c.heartbeatTicks,
        clock,
        onError: (group: number, e: unknown) => this.log(`node ${this.id} group ${group}: ${e instanceof Error ? e.message : String(e)}`),
        onGroupFailed: (f: GroupFailure) => {
          this.stats.groupFailures++;
          this.log(`node ${this.id} group ${f.group} FENCED (failure ${f.attempts}${f.final ? ', final' : ''}): ${f.error.message}`);
        },
        onGroupRepaired: (g: number, attempts: number) => {
          this.stats.repairs++;
          this.log(`node ${this.id} group ${g} repaired after failure ${attempts}`);
        },
        onFatal: (e: unknown) => {
          throw e; // the simulated store never fails a write: a fatal error here is a bug
        },
      },
      c.bugs,
    );
    const multi = new MultiRaft(options);
    this.multi = multi;
    store.onEntriesLoaded = (g) => multi.entriesLoaded(g);
    this.replicas.clear();
    const conf = { voters: [...c.nodes], learners: [] };
    for (let p = 0; p < c.partitions; p++) {
      const group = groupOf(p);
      const fresh = store.group(group) === undefined;
      const replica = new PartitionReplica(
        plantHostBugs(
          {
            topic: 'sim',
            partition: p,
            groupId: group,
            stateOptions: c.stateOptions,
            limits: {},
            timestampType: 'create',
            minInsyncReplicas: 1,
            retention: c.retention,
          },
          c.bugs,
        ),
        {
          withNode: (g, fn) => multi.withNode(g, fn),
          status: (g) => multi.node(g)?.status(),
          readEntries: (g, lo, hi, max) => {
            const s = store.group(g);
            if (!s) return Promise.reject(new Error(`group ${g} is not on node ${this.id}`));
            return s.readEntries(lo, hi, max);
          },
          hint: (id) => ({ id, address: id ? `sim-node-${id}` : '' }),
          now: () => clock.now(),
          self: this.id,
          after: (ms, fn) => clock.after(ms, fn),
          fail: (g, e) => multi.failGroup(g, e),
        },
        conf,
      );
      this.replicas.set(group, replica);
      multi.addGroup(group, conf, new ObservedReplica(this, p, replica, this.checker));
      if (fresh && c.nodes[p % c.nodes.length] === this.id) multi.tryWithNode(group, (n) => n.campaign());
    }
    multi.start();
    clock.every(50, () => {
      for (const r of this.replicas.values()) r.expire(clock.now());
    });
    clock.every(200, () => enqueueRetention(multi, this.replicas, clock.now()));
    this.status = 'up';
    this.stats.restarts++;
  }

  /** Kill the process: the disk keeps what it synced (and perhaps some of what it did not). */
  crash(): void {
    if (this.status === 'down') return;
    this.incarnation++;
    this.status = 'down';
    this.clock?.kill();
    this.clock = undefined;
    this.kv.crash();
    this.kv = this.kv.reopen();
    this.multi = undefined;
    this.store = undefined;
    this.replicas.clear();
    this.applyFaults.clear();
    for (let p = 0; p < this.config.partitions; p++) this.checker.replicaRestarted(this.id, p);
    const calls = [...this.calls];
    this.calls.clear();
    for (const c of calls) c.lost();
  }

  /** The next `count` applies of `group` on this host throw (a fault of the state machine). */
  injectApplyFault(group: number, count = 1): void {
    this.applyFaults.set(group, (this.applyFaults.get(group) ?? 0) + count);
  }

  /** No more injected apply faults (the faults are over). */
  clearApplyFaults(): void {
    this.applyFaults.clear();
  }

  takeApplyFault(group: number): boolean {
    const n = this.applyFaults.get(group) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.applyFaults.delete(group);
    else this.applyFaults.set(group, n - 1);
    return true;
  }

  /**
   * Run a client call on this host: `lost` is what the client sees if the process dies before
   * answering (the connection breaks: for a write, outcome unknown).
   */
  call<T>(run: (replica: PartitionReplica) => Promise<T>, group: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.status !== 'up') {
        reject(new ConnectionRefused(this.id));
        return;
      }
      const replica = this.replicas.get(group);
      if (!replica) {
        reject(new Error(`node ${this.id} has no replica of group ${group}`));
        return;
      }
      const pending: PendingCall = { lost: () => reject(new ConnectionLost(this.id)) };
      this.calls.add(pending);
      const incarnation = this.incarnation;
      run(replica).then(
        (v) => {
          if (this.incarnation !== incarnation || !this.calls.delete(pending)) return;
          resolve(v);
        },
        (e) => {
          if (this.incarnation !== incarnation || !this.calls.delete(pending)) return;
          reject(e);
        },
      );
    });
  }

  // ---- NetEndpoint -------------------------------------------------------------------------------

  frame(from: NodeId, bytes: Uint8Array): void {
    const multi = this.multi;
    if (!multi) return;
    multi.heardFrom(from);
    for (const { group, message } of SimNetwork.decode(bytes)) multi.step(group, message);
  }

  snapshot(_from: NodeId, group: number, message: SnapshotMessage): boolean {
    const multi = this.multi;
    if (!multi || !multi.has(group) || multi.failure(group)) return false;
    multi.step(group, message);
    return true;
  }

  snapshotDone(peer: NodeId, group: number, ok: boolean): void {
    this.multi?.tryWithNode(group, (n) => n.reportSnapshot(peer, ok));
  }
}

/** The host was down when the client called: nothing was sent (a write is certainly not written). */
export class ConnectionRefused extends Error {
  constructor(node: NodeId) {
    super(`node ${node} is down: connection refused`);
    this.name = 'ConnectionRefused';
  }
}

/** The host died before answering: a write's outcome is unknown. */
export class ConnectionLost extends Error {
  constructor(node: NodeId) {
    super(`node ${node} died before answering: connection lost`);
    this.name = 'ConnectionLost';
  }
}

/**
 * The partition replica as the host drives it, seen by the checker: every apply is checked
 * against every other replica's, and an injected fault makes an apply throw (as a bug or a
 * resource failure in the state machine would) before anything of it is applied.
 */
class ObservedReplica implements GroupStateMachine {
  constructor(
    private readonly host: SimHost,
    private readonly partition: number,
    private readonly replica: PartitionReplica,
    private readonly checker: HostChecker,
  ) {}

  restore(snapshot: Snapshot): void {
    this.replica.restore(snapshot);
    this.checker.snapshotInstalled(this.host.id, this.partition, this.replica.state.highWatermark);
  }

  apply(entries: readonly Entry[]): void {
    if (this.host.takeApplyFault(this.replica.config.groupId)) throw new Error(`injected apply fault at index ${entries[0]?.index}`);
    this.replica.apply(entries);
    this.checker.applied(this.host.id, this.partition, entries, this.replica.state.highWatermark);
  }

  persisted(entries: readonly Entry[]): void {
    this.replica.persisted(entries);
  }

  readStates(states: readonly ReadState[]): void {
    this.replica.readStates(states);
  }

  roleChanged(soft: SoftState): void {
    this.replica.roleChanged(soft);
  }

  failed(failure: GroupFailure): void {
    this.replica.failed(failure);
  }

  reset(): void {
    this.replica.reset();
    this.checker.replicaRestarted(this.host.id, this.partition);
  }
}
