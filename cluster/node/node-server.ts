import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type ConfState, type Message, type NodeId, ProposalDroppedError } from '../../raft';
import { crc32c, LogStore } from '../../log-store';
import { type ClusterDescription, type FencedReplica, type GroupState, loadFlotillaProto, META, type PartitionDescription, type TopicDescription } from '../../proto/load';
import {
  type Command,
  CONTROLLER_GROUP,
  decodeCommand,
  encodeCommand,
  MetadataError,
  type MetadataErrorCode,
  type MetadataState,
  type PartitionInfo,
  preferredLeader,
  resolveTopicConfig,
  type TopicInfo,
} from '../metadata';
import { Controller } from './controller';
import { DEFAULT_TUNING, type NodeOptions, type NodeTuning, tuningFromEnv } from './node-options';
import { MetadataReads } from './metadata-reads';
import { MultiRaft } from './multi-raft';
import { realClock } from './host-clock';
import { enqueueRetention } from './retention-work';
import { bestGroupState, leaderUnreachable } from './partition-view';
import { inSyncVoters, PartitionReplica } from './partition-replica';
import { type LeaderHint, notLeader, RpcError, shuttingDown, toRpcError, toServiceError } from './rpc-errors';
import { hostStore } from './store-adapter';
import { flotillaService, type MetadataAccess, type PartitionAccess } from './client-service';
import { ADMIN_TIMEOUT_MS, answerBy, sleep } from './deadlines';
import { addPeerService, PEER_CHANNEL_OPTIONS, PeerCalls, peerTransport, type PeerTransport } from '../transport';

/** Controller voters: the first (lowest-id) nodes; the others follow the metadata log as learners. */
/** Replicas of a topic created without a replication factor (fewer on a smaller cluster). */
const DEFAULT_REPLICATION_FACTOR = 3;
const CONTROLLER_VOTERS = 3;
/** Entries of the controller log kept behind its snapshot, for followers that lag a little. */
const CONTROLLER_LOG_TAIL = 1000;

function bind(server: grpc.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(new Error(`cannot listen on ${address}: ${err.message}`)) : resolve())),
  );
}

/**
 * A cluster id every node of the same initial cluster derives alike: from the node ids only, as
 * nodes may know each other by different addresses (through proxies). FLOTILLA_CLUSTER_ID names
 * it explicitly. The store checks it on open, so a data folder is not opened by another cluster.
 */
export function clusterIdOf(peers: ReadonlyArray<{ id: number }>): string {
  const text = [...peers].map((p) => p.id).sort((a, b) => a - b).join(',');
  return `flotilla-${crc32c(new TextEncoder().encode(text)).toString(16).padStart(8, '0')}`;
}

/**
 * One Flotilla node: the LevelDB store, the multi-Raft host, the metadata group (controller) and
 * the partition groups assigned to this node, the Peer service for other nodes and the Flotilla
 * service for clients.
 */
export class FlotillaNode implements PartitionAccess, MetadataAccess {
  readonly id: NodeId;
  readonly controller: Controller;
  private readonly replicas = new Map<number, PartitionReplica>();
  private readonly peerAddresses: Map<NodeId, string>;
  private readonly peerCalls = new PeerCalls();
  private readonly tuning: NodeTuning;
  private readonly log: (line: string) => void;
  private multi!: MultiRaft;
  private transport!: PeerTransport;
  private store!: LogStore;
  private peerServer!: grpc.Server;
  private clientServer!: grpc.Server;
  private housekeeping: NodeJS.Timeout | undefined;
  private heartbeats: NodeJS.Timeout | undefined;
  /** Linearizable reads of the metadata (ListTopics, DescribeTopic, DescribeCluster). */
  private readonly reads: MetadataReads;
  private lastBalance = 0;
  private lastRetention = 0;
  private lastControllerSnapshot = 0;
  private registered = false;
  private registering = false;
  /**
   * This node's metadata has been as new as the cluster's committed metadata at least once since
   * it started (a linearizable read completed). Until then it may still be replaying its
   * metadata log, and a topic it does not know may well exist.
   */
  private metadataCaughtUp = false;
  private catchingUp = false;
  private stopped = false;
  /** Partitions whose preferred leader was seen in sync last round (a transfer needs two in a row). */
  private balanceCandidates = new Set<number>();
  private readonly dropping = new Set<number>();
  /** Fault injection for in-process tests (a network cut): Raft messages it returns true for are not sent. */
  dropOutgoing: ((group: number, message: Message) => boolean) | undefined;

  private constructor(readonly options: NodeOptions) {
    this.id = options.nodeId;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.peerAddresses = new Map(options.peers.map((p) => [p.id, p.address]));
    const electionMs = this.tuning.tickMs * this.tuning.electionTicks;
    this.reads = new MetadataReads(
      {
        self: this.id,
        leader: () => this.controllerLeader(),
        readIndex: (ctx) => this.multi.withNode(CONTROLLER_GROUP, (n) => n.readIndex(ctx)),
        forward: (leader, deadline) => {
          const address = this.peerAddresses.get(leader);
          if (!address) return Promise.reject(new Error(`node ${leader} is not in this node's peer list`));
          return this.peerCalls.metadataReadIndex(address, deadline);
        },
        appliedIndex: () => this.controller.state.appliedIndex,
        waitApplied: (index, deadline) => this.controller.waitApplied(index, Math.max(1, deadline - Date.now())),
        quorumHeard: () => this.metadataQuorumHeard(),
        describeLeader: (id) => `node ${id} at ${this.peerAddresses.get(id) ?? 'an unknown address'}`,
      },
      // The grace covers a liveness window plus the peers' reconnect backoff (FAILOVER_CHANNEL_OPTIONS: at most 1 s).
      { roundTimeoutMs: 2 * electionMs, retryMs: this.tuning.tickMs, startupGraceMs: this.livenessWindowMs() + 1500 },
    );
    this.controller = new Controller(() => this.reconcile(), {
      readStates: (states) => this.reads.readStates(states),
      roleChanged: (soft) => {
        this.reads.roleChanged(soft);
        // A leader is known: register now rather than at the next housekeeping round (outside the Ready cycle).
        if (soft.leader !== 0 && !this.registered) setImmediate(() => void this.register());
      },
    });
  }

  static async start(options: NodeOptions): Promise<FlotillaNode> {
    const node = new FlotillaNode(options);
    await node.open();
    return node;
  }

  get stopping(): boolean {
    return this.stopped;
  }

  private async open(): Promise<void> {
    const o = this.options;
    await mkdir(o.dataDir, { recursive: true });
    const clusterId = await this.resolveClusterId();
    this.store = await LogStore.open(join(o.dataDir, 'store'), { clusterId, nodeId: this.id });
    this.multi = new MultiRaft({
      nodeId: this.id,
      store: hostStore(this.store),
      transport: {
        send: (g, m) => {
          if (!this.dropOutgoing?.(g, m)) this.transport.send(g, m);
        },
        flush: () => this.transport.flush(),
      },
      tickMs: this.tuning.tickMs,
      electionTicks: this.tuning.electionTicks,
      heartbeatTicks: this.tuning.heartbeatTicks,
      onError: (group, e) => this.log(`node ${this.id}: group ${group}: ${e instanceof Error ? e.message : String(e)}`),
      onGroupFailed: (f) =>
        this.log(
          `node ${this.id}: ${this.groupName(f.group)} FAILED on this node and is fenced (failure ${f.attempts} in a row): ${f.error.message}; ` +
            (f.final ? 'it stays fenced until this node restarts (the other replicas serve it); if it fails again after a restart, its data here is damaged' : 'it will be restarted from its log'),
        ),
      onGroupRepaired: (g, attempts) => this.log(`node ${this.id}: ${this.groupName(g)} restarted from its log after failure ${attempts}`),
      onFatal: (e) => this.fatal(e),
    });
    this.transport = peerTransport(this.id, this.peerAddresses, () => this.multi);
    this.store.onEntriesLoaded = (g) => this.multi.entriesLoaded(g);

    this.peerServer = new grpc.Server(PEER_CHANNEL_OPTIONS);
    addPeerService(this.peerServer, () => (this.stopped ? undefined : this.multi), {
      ProposeMetadata: (call: grpc.ServerUnaryCall<{ command: Buffer }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        this.serveProposeMetadata(call.request.command).then(
          (r) => cb(null, r),
          (e) => cb(toServiceError(e)),
        );
      },
      GroupStatus: (call: grpc.ServerUnaryCall<{ groups: number[] }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        cb(null, { groups: call.request.groups.flatMap((g) => this.localGroupState(g) ?? []) });
      },
      MetadataReadIndex: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        const d = call.getDeadline();
        const deadline = d instanceof Date ? d.getTime() : Number(d);
        this.serveMetadataReadIndex(Number.isFinite(deadline) ? deadline : Date.now() + ADMIN_TIMEOUT_MS).then(
          (index) => cb(null, { index }),
          (e) => cb(toServiceError(e)),
        );
      },
    });
    this.clientServer = new grpc.Server({ 'grpc.max_receive_message_length': 128 << 20, 'grpc.max_send_message_length': 128 << 20 });
    this.clientServer.addService(loadFlotillaProto().Flotilla.service, flotillaService(this, this));
    await bind(this.peerServer, `${o.host}:${o.peerPort}`);
    await bind(this.clientServer, `${o.host}:${o.clientPort}`);

    const ids = [...this.peerAddresses.keys()].sort((a, b) => a - b);
    const conf: ConfState = { voters: ids.slice(0, CONTROLLER_VOTERS), learners: ids.slice(CONTROLLER_VOTERS) };
    const fresh = this.store.group(CONTROLLER_GROUP) === undefined;
    this.multi.addGroup(CONTROLLER_GROUP, conf, this.controller);
    this.multi.start();
    // A new cluster need not wait a whole election timeout for its first controller.
    const alone = conf.voters.length === 1 && conf.voters[0] === this.id;
    if ((fresh && conf.voters[0] === this.id) || alone) this.multi.withNode(CONTROLLER_GROUP, (n) => n.campaign());
    this.housekeeping = setInterval(() => this.tick(), 200);
    // Node liveness: one empty frame per idle peer link and heartbeat interval (none per group).
    this.transport.heartbeat();
    this.reads.started();
    this.catchUpMetadata();
    this.heartbeats = setInterval(() => this.transport.heartbeat(), this.tuning.tickMs * this.tuning.heartbeatTicks);
  }

  private async resolveClusterId(): Promise<string> {
    const file = join(this.options.dataDir, 'cluster-id');
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      const id = this.options.clusterId ?? process.env.FLOTILLA_CLUSTER_ID ?? clusterIdOf(this.options.peers);
      await writeFile(file, `${id}\n`);
      return id;
    }
  }

  private fatal(e: unknown): void {
    this.log(`node ${this.id}: FATAL: the store failed, stopping: ${e instanceof Error ? e.message : String(e)}`);
    if (this.options.onFatal) this.options.onFatal(e);
    else process.exit(70);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.housekeeping) clearInterval(this.housekeeping);
    if (this.heartbeats) clearInterval(this.heartbeats);
    const err = () => shuttingDown(this.id);
    // Writes already proposed may still commit on the other nodes: their outcome is unknown.
    for (const r of this.replicas.values()) r.close(err, () => r.unknownOutcome(`node ${this.id} stopped`));
    this.controller.waiters.failAll(
      () => new RpcError(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', `node ${this.id} stopped before the metadata change was answered; its outcome is unknown`),
    );
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.clientServer.forceShutdown();
        resolve();
      }, 1000);
      this.clientServer.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    await this.multi.stop();
    this.transport.close();
    this.peerCalls.close();
    this.peerServer.forceShutdown();
    await this.store.close();
  }

  // ---- the node's groups ------------------------------------------------------------------------

  /** Start the partition groups assigned to this node that it does not run yet; drop the ones it lost. */
  private reconcile(): void {
    if (this.stopped) return;
    const state = this.controller.state;
    const desired = new Map<number, PartitionInfo>();
    for (const p of state.partitionsOfNode(this.id)) desired.set(p.groupId, p);
    for (const [g, p] of desired) if (!this.replicas.has(g)) this.addReplica(p);
    for (const g of [...this.replicas.keys()]) {
      if (desired.has(g)) continue;
      const r = this.replicas.get(g)!;
      this.replicas.delete(g);
      r.close(() => new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `${r.what} was deleted`));
      void this.multi.removeGroup(g, true).catch((e) => this.log(`node ${this.id}: dropping group ${g}: ${String(e)}`));
    }
    // Groups left on disk by a topic deleted (or a replica moved away) while this node was down.
    // A group the metadata does not know yet is kept: the metadata log may still be replaying.
    for (const g of this.store.groupIds()) {
      if (g === CONTROLLER_GROUP || this.replicas.has(g) || this.dropping.has(g)) continue;
      const info = state.partitionByGroup(g);
      if (!info || (!info.deleted && info.replicas.includes(this.id))) continue;
      this.dropping.add(g);
      void this.store
        .dropGroup(g)
        .catch((e) => this.log(`node ${this.id}: dropping group ${g}: ${String(e)}`))
        .finally(() => this.dropping.delete(g));
    }
  }

  private addReplica(p: PartitionInfo): void {
    const topic = this.controller.state.topicById(p.topicId);
    if (!topic) return;
    const cfg = resolveTopicConfig(topic.config);
    const conf: ConfState = { voters: [...p.replicas], learners: [] };
    const replica = new PartitionReplica(
      {
        topic: p.topic,
        partition: p.partition,
        groupId: p.groupId,
        stateOptions: { segmentBytes: cfg.segmentBytes, segmentMs: cfg.segmentMs },
        limits: { maxMessageBytes: cfg.maxMessageBytes },
        minInsyncReplicas: cfg.minInsyncReplicas,
        retention: { retentionMs: cfg.retentionMs, retentionBytes: cfg.retentionBytes },
      },
      {
        withNode: (g, fn) => this.multi.withNode(g, fn),
        status: (g) => this.multi.node(g)?.status(),
        readEntries: (g, lo, hi, max) => {
          const s = this.store.group(g);
          if (!s) return Promise.reject(new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `group ${g} is no longer on node ${this.id}`));
          return s.readEntries(lo, hi, max);
        },
        hint: (id) => this.hint(id),
        now: () => Date.now(),
        self: this.id,
        after: (ms, fn) => realClock.after(ms, fn),
        fail: (g, e) => this.multi.failGroup(g, e),
      },
      conf,
    );
    const fresh = this.store.group(p.groupId) === undefined;
    this.replicas.set(p.groupId, replica);
    this.multi.addGroup(p.groupId, conf, replica);
    // The preferred leader of a new partition campaigns once the others have had a moment to
    // create the group too: leaders start out spread as the assignment spreads replicas[0].
    if (p.replicas.length === 1 && p.replicas[0] === this.id) {
      this.multi.withNode(p.groupId, (n) => n.campaign()); // a single replica need not wait out an election timeout
    } else if (fresh && p.replicas[0] === this.id) {
      setTimeout(() => {
        if (!this.stopped) this.multi.tryWithNode(p.groupId, (n) => n.campaign());
      }, this.tuning.tickMs * 2).unref();
    }
  }

  replica(groupId: number): PartitionReplica | undefined {
    return this.replicas.get(groupId);
  }

  /** The replica of a live partition hosted here, or the error a client should get. */
  replicaFor(topic: string, partition: number): PartitionReplica {
    if (this.stopped) throw shuttingDown(this.id);
    const info = this.partitionInfo(topic, partition);
    const r = this.replicas.get(info.groupId);
    if (!r) {
      // No guess at the leader: the client refreshes its metadata (DescribeTopic asks the replicas).
      throw new RpcError(
        grpc.status.FAILED_PRECONDITION,
        'NOT_LEADER',
        `node ${this.id} holds no replica of topic "${topic}" partition ${partition} (its replicas are nodes ${info.replicas.join(', ')}); ask DescribeTopic for its leader`,
      );
    }
    return r;
  }

  partitionInfo(topic: string, partition: number): PartitionInfo {
    const t = this.controller.state.topic(topic);
    if (!t && !this.metadataCaughtUp) {
      throw new RpcError(
        grpc.status.UNAVAILABLE,
        'NO_LEADER',
        `node ${this.id} has not caught up with the cluster's metadata since it started, so it cannot tell yet where topic "${topic}" is; retry shortly, or ask another node`,
      );
    }
    if (!t) throw new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC', `unknown topic "${topic}": no live topic has this name`);
    if (!Number.isInteger(partition) || partition < 0 || partition >= t.partitions.length) {
      throw new RpcError(grpc.status.NOT_FOUND, 'UNKNOWN_PARTITION', `topic "${topic}" has partitions 0..${t.partitions.length - 1}; there is no partition ${partition}`);
    }
    return t.partitions[partition];
  }

  hint(id: number): LeaderHint {
    return { id, address: id ? (this.controller.state.node(id)?.host ?? '') : '' };
  }

  controllerLeader(): number {
    return this.multi.node(CONTROLLER_GROUP)?.status().leader ?? 0;
  }

  /** This node's metadata as applied so far (read-your-writes after a change made here). */
  appliedMetadata(): MetadataState {
    return this.controller.state;
  }

  /** The cluster's nodes from `state`, with the metadata leader and which nodes this one hears from. */
  describeCluster(state: MetadataState): ClusterDescription {
    return {
      clusterId: state.clusterId,
      controllerLeader: this.controllerLeader(),
      nodes: state.nodes().map((n) => ({ id: n.id, address: n.host, alive: this.alive(n.id) })),
    };
  }

  // ---- metadata changes -------------------------------------------------------------------------

  /**
   * Commit a controller command through the metadata group's leader (this node, or forwarded to
   * it), and return once this node has applied it too, so that a read here sees the change.
   */
  async proposeMetadata(command: Command, timeoutMs = ADMIN_TIMEOUT_MS): Promise<{ index: number; producerId: number; producerEpoch: number }> {
    const deadline = Date.now() + timeoutMs;
    const bytes = encodeCommand(command);
    const startIndex = this.controller.state.appliedIndex;
    let lastError: unknown;
    /** An attempt failed in a way that leaves open whether the leader applied it. */
    let maybeApplied = false;
    while (Date.now() < deadline) {
      if (this.stopped) throw shuttingDown(this.id);
      const leader = this.controllerLeader();
      try {
        if (leader === this.id) return await this.proposeLocal(command, bytes, deadline);
        if (leader !== 0) {
          const address = this.peerAddresses.get(leader);
          if (address) {
            const r = await this.peerCalls.proposeMetadata(address, bytes, deadline);
            if (r.errorCode) throw new MetadataError(r.errorCode as MetadataErrorCode, r.errorMessage);
            await this.controller.waitApplied(r.index, Math.max(1, deadline - Date.now()));
            return { index: r.index, producerId: r.producerId, producerEpoch: r.producerEpoch };
          }
        }
      } catch (e) {
        // A retry of a create or delete that did land the first time is refused as already done.
        if (maybeApplied && e instanceof MetadataError && this.alreadyDone(command, startIndex)) {
          return { index: this.controller.state.appliedIndex, producerId: 0, producerEpoch: 0 };
        }
        if (!retriableForward(e)) throw e;
        if (!isNotLeader(e)) maybeApplied = true;
        lastError = e;
      }
      await sleep(this.tuning.tickMs);
    }
    const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `the metadata group has no reachable leader (waited ${timeoutMs} ms)${detail}; retry`);
  }

  /** Whether the state shows `command` applied since `since` (for an ambiguous retry). */
  private alreadyDone(command: Command, since: number): boolean {
    const state = this.controller.state;
    if (command.type === 'createTopic') return (state.topic(command.name)?.createdIndex ?? 0) > since;
    if (command.type === 'deleteTopic') return state.topic(command.name) === undefined;
    return false;
  }

  private async proposeLocal(command: Command, bytes: Uint8Array, deadline: number) {
    const refused = this.controller.state.check(command);
    if (refused) throw refused;
    const at = this.multi.withNode(CONTROLLER_GROUP, (n) => n.propose(bytes));
    const r = await this.controller.waiters.wait(at.index, at.term, deadline);
    if (!r.ok) throw r.error;
    const outcome = r.outcome;
    return outcome.type === 'initProducer'
      ? { index: r.index, producerId: outcome.producerId, producerEpoch: outcome.producerEpoch }
      : { index: r.index, producerId: 0, producerEpoch: 0 };
  }

  /** Peer call: another node forwards a command to us as the metadata group's leader. */
  private async serveProposeMetadata(bytes: Buffer) {
    if (this.stopped) throw shuttingDown(this.id);
    const leader = this.controllerLeader();
    if (leader !== this.id) throw notLeader('the metadata group', this.hint(leader));
    const command = decodeCommand(bytes);
    try {
      const r = await this.proposeLocal(command, bytes, Date.now() + ADMIN_TIMEOUT_MS);
      return { ...r, errorCode: '', errorMessage: '' };
    } catch (e) {
      if (e instanceof MetadataError) return { index: 0, errorCode: e.code, errorMessage: e.message, producerId: 0, producerEpoch: 0 };
      throw e;
    }
  }

  // ---- reading the metadata --------------------------------------------------------------------

  /**
   * The metadata state, once it is at least as new as the cluster's committed metadata at the
   * time of the call (a linearizable read, see MetadataReads). Rejects with UNAVAILABLE NO_LEADER
   * ("node N cannot reach the metadata group's leader ...") a little before `callDeadline`, or
   * sooner when this node cannot reach a quorum of the metadata group: it never answers from a
   * copy that may be stale.
   */
  async readMetadata(callDeadline: number): Promise<MetadataState> {
    if (this.stopped) throw shuttingDown(this.id);
    await this.reads.linearizable(answerBy(callDeadline, this.metadataReadWaitMs()));
    this.metadataCaughtUp = true;
    return this.controller.state;
  }

  /** After a start, catch up with the cluster's metadata in the background (see metadataCaughtUp). */
  private catchUpMetadata(): void {
    if (this.metadataCaughtUp || this.catchingUp || this.stopped) return;
    this.catchingUp = true;
    this.readMetadata(Date.now() + ADMIN_TIMEOUT_MS)
      .catch(() => undefined) // tried again at the next housekeeping round
      .finally(() => {
        this.catchingUp = false;
      });
  }

  /** How long a metadata read may wait for a leader: a few elections (a restart, a failover). */
  private metadataReadWaitMs(): number {
    return Math.max(1000, 3 * this.tuning.tickMs * this.tuning.electionTicks);
  }

  /** Peer call: a follower asks us, as the metadata group's leader, for a confirmed read index. */
  private async serveMetadataReadIndex(deadline: number): Promise<number> {
    if (this.stopped) throw shuttingDown(this.id);
    const leader = this.controllerLeader();
    if (leader !== this.id) throw notLeader('the metadata group', this.hint(leader));
    return this.reads.confirmedIndex(deadline);
  }

  /** Whether this node has lately heard from a quorum of the metadata group's voters (itself included when it votes). */
  private metadataQuorumHeard(): boolean {
    const voters = this.multi.node(CONTROLLER_GROUP)?.status().conf.voters ?? [];
    const heard = voters.filter((v) => this.alive(v)).length;
    return heard >= Math.floor(voters.length / 2) + 1;
  }

  // ---- creating topics --------------------------------------------------------------------------

  /**
   * CreateTopic. On a cluster that is starting, the nodes of its peer list may not all have
   * registered yet: a replication factor that the peer list can satisfy waits (until a little
   * before `callDeadline`) for them, and then fails with UNAVAILABLE NOT_ENOUGH_REPLICAS naming
   * the nodes that have not registered, by id and peer address. One the peer list cannot satisfy
   * fails at once (INVALID_CONFIG).
   */
  async createTopic(request: Extract<Command, { type: 'createTopic' }>, callDeadline: number): Promise<void> {
    const size = this.peerAddresses.size;
    // 0: the default, from the peer list (every node the cluster is made of), not from the nodes
    // registered so far, which on a starting cluster may be fewer.
    const command = request.replicationFactor === 0 ? { ...request, replicationFactor: Math.min(DEFAULT_REPLICATION_FACTOR, size) } : request;
    if (Number.isInteger(command.replicationFactor) && command.replicationFactor > size) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        'INVALID_CONFIG',
        `topic "${command.name}": replication factor ${command.replicationFactor} is more than the ${size} node${size === 1 ? '' : 's'} of this cluster ` +
          `(its peer list: ${[...this.peerAddresses.keys()].sort((a, b) => a - b).join(', ')}); lower the replication factor`,
      );
    }
    const began = Date.now();
    const deadline = answerBy(callDeadline, ADMIN_TIMEOUT_MS);
    for (;;) {
      try {
        await this.proposeMetadata(command, Math.max(1, deadline - Date.now()));
        return;
      } catch (e) {
        if (!(e instanceof MetadataError) || e.code !== 'NOT_ENOUGH_REPLICAS') throw e;
        if (Date.now() + this.tuning.tickMs >= deadline) throw this.nodesMissing(command, Date.now() - began);
      }
      await sleep(this.tuning.tickMs);
    }
  }

  private nodesMissing(command: Extract<Command, { type: 'createTopic' }>, waitedMs: number): RpcError {
    const registered = this.controller.state.nodes().map((n) => n.id);
    const missing = [...this.peerAddresses]
      .filter(([id]) => !registered.includes(id))
      .sort((a, b) => a[0] - b[0])
      .map(([id, address]) => `node ${id} (peer address ${address}${this.alive(id) ? ', running but not registered' : ', not heard from'})`);
    const leader = this.controllerLeader();
    const names = (ids: number[]) => (ids.length === 0 ? 'none' : `node${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`);
    return new RpcError(
      grpc.status.UNAVAILABLE,
      'NOT_ENOUGH_REPLICAS',
      `topic "${command.name}": replication factor ${command.replicationFactor} needs ${command.replicationFactor} registered nodes; ` +
        `after waiting ${waitedMs} ms, registered: ${names(registered)}; not registered yet: ${missing.join(', ')}. ` +
        `Start the missing nodes (or check their logs: they must reach the metadata group's leader, ${leader === 0 ? 'none yet' : `node ${leader}`}), ` +
        `then retry; or lower the replication factor`,
    );
  }

  // ---- describing -------------------------------------------------------------------------------

  private groupName(group: number): string {
    if (group === CONTROLLER_GROUP) return 'the metadata group';
    const p = this.controller.state.partitionByGroup(group);
    return p ? `topic "${p.topic}" partition ${p.partition} (group ${group})` : `group ${group}`;
  }

  private localGroupState(group: number): GroupState | undefined {
    const r = this.replicas.get(group);
    return r?.describe();
  }

  /**
   * Partition states as their leaders see them: local where this node leads, else asked of every
   * other replica this node hears from (one GroupStatus call per node), so a leader that any of
   * them knows is found even when this node holds no replica or one replica is down. Replicas it
   * does not hear from are not asked: they would only make the answer wait.
   */
  async groupStates(partitions: readonly PartitionInfo[], timeoutMs = 1000): Promise<Map<number, { best: GroupState; fenced: FencedReplica[] }>> {
    const views = new Map<number, GroupState[]>();
    const ask = new Map<NodeId, number[]>();
    for (const p of partitions) {
      const local = this.localGroupState(p.groupId);
      views.set(p.groupId, local ? [local] : []);
      if (local?.isLeader) continue;
      for (const r of p.replicas) {
        if (r === this.id || !this.alive(r)) continue;
        const list = ask.get(r) ?? [];
        list.push(p.groupId);
        ask.set(r, list);
      }
    }
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      [...ask].map(async ([node, groups]) => {
        const address = this.peerAddresses.get(node);
        if (!address) return;
        try {
          for (const s of await this.peerCalls.groupStatus(address, groups, deadline)) views.get(s.group)?.push(s);
        } catch {
          // That node is down or slow: describe with what the others said.
        }
      }),
    );
    const out = new Map<number, { best: GroupState; fenced: FencedReplica[] }>();
    for (const [g, list] of views) {
      const best = bestGroupState(list);
      if (best) out.set(g, { best, fenced: list.filter((v) => v.failure !== '').map((v) => ({ node: v.node, reason: v.failure })) });
    }
    return out;
  }

  /**
   * A topic as this node can see it now. A partition whose leader nobody in reach knows has
   * leader 0, and leaderUnreachable = true when that is because this node cannot reach a quorum
   * of its replicas (a leader may exist on the other side; ask another node).
   */
  async describeTopic(topic: TopicInfo): Promise<TopicDescription> {
    const states = await this.groupStates(topic.partitions);
    const cfg = resolveTopicConfig(topic.config);
    const config: Record<string, string> = {
      'retention.ms': String(cfg.retentionMs),
      'retention.bytes': String(cfg.retentionBytes),
      'max.message.bytes': String(cfg.maxMessageBytes),
      'cleanup.policy': cfg.cleanupPolicy,
      'min.insync.replicas': String(cfg.minInsyncReplicas),
      'segment.bytes': String(cfg.segmentBytes),
      'segment.ms': String(cfg.segmentMs),
    };
    const partitions: PartitionDescription[] = topic.partitions.map((p) => {
      const s = states.get(p.groupId)?.best;
      const leader = s?.leader ?? 0;
      return {
        partition: p.partition,
        groupId: p.groupId,
        leader,
        leaderAddress: this.hint(leader).address,
        replicas: [...p.replicas],
        inSyncReplicas: s?.isLeader ? s.inSync : [],
        logStartOffset: s?.logStartOffset ?? 0,
        logEndOffset: s?.logEndOffset ?? 0,
        highWatermark: s?.highWatermark ?? 0,
        leaderEpoch: s?.isLeader ? s.term : 0,
        leaderUnreachable: leaderUnreachable(leader, p.replicas, (r) => (r === this.id ? this.replicas.has(p.groupId) : this.alive(r))),
        fencedReplicas: states.get(p.groupId)?.fenced ?? [],
      };
    });
    return { name: topic.name, id: topic.id, config, replicationFactor: topic.replicationFactor, partitions };
  }

  /**
   * Whether a node was heard from within the liveness window (two election timeouts; this node:
   * while it runs). Every node sends every other an empty frame per idle heartbeat interval
   * (PeerTransport.heartbeat), so this holds with or without shared groups.
   */
  alive(id: NodeId): boolean {
    if (id === this.id) return !this.stopped;
    const heard = this.multi.lastHeard.get(id);
    return heard !== undefined && Date.now() - heard < this.livenessWindowMs();
  }

  private livenessWindowMs(): number {
    return this.tuning.tickMs * this.tuning.electionTicks * 2;
  }

  // ---- background work --------------------------------------------------------------------------

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const r of this.replicas.values()) r.expire(now);
    this.controller.waiters.expire(now, () => new RpcError(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', 'the metadata change was not committed in time; its outcome is unknown'));
    if (!this.registered) void this.register();
    this.catchUpMetadata();
    if (now - this.lastBalance >= this.tuning.balanceIntervalMs) {
      this.lastBalance = now;
      this.balanceLeadership();
    }
    if (now - this.lastRetention >= this.tuning.retentionIntervalMs) {
      this.lastRetention = now;
      enqueueRetention(this.multi, this.replicas, now);
      this.snapshotController();
    }
  }

  /** Announce this node's addresses to the metadata group (at every start: they may have changed). */
  private async register(): Promise<void> {
    if (this.registering || this.stopped) return;
    const leader = this.controllerLeader();
    if (leader === 0) return;
    this.registering = true;
    try {
      const state = this.controller.state;
      const peerAddress = this.peerAddresses.get(this.id)!;
      if (leader === this.id && state.clusterId === '') {
        const clusterId = (await readFile(join(this.options.dataDir, 'cluster-id'), 'utf8')).trim();
        await this.proposeMetadata({ type: 'initCluster', clusterId }, 3000);
      }
      const me = state.node(this.id);
      if (!me || me.host !== this.options.advertisedAddress || me.peerAddress !== peerAddress) {
        await this.proposeMetadata({ type: 'registerNode', nodeId: this.id, host: this.options.advertisedAddress, peerAddress }, 3000);
      }
      this.registered = this.controller.state.clusterId !== '' && this.controller.state.node(this.id)?.host === this.options.advertisedAddress;
      if (this.registered) this.log(`node ${this.id}: registered with the cluster ${this.controller.state.clusterId} (controller leader: node ${this.controllerLeader()})`);
    } catch (e) {
      const r = toRpcError(e);
      if (r.code !== 'NO_LEADER' && r.code !== 'TIMEOUT' && r.code !== 'NOT_LEADER') this.log(`node ${this.id}: registration failed: ${r.message}`);
    } finally {
      this.registering = false;
    }
  }

  /**
   * Preferred-leader election, run by each leader for the partitions it leads: leadership goes to
   * the first replica in the assignment's order that is in sync (replicas[0] when it is back), so
   * leaders return to the spread the assignment made after a node restarts. A transfer needs the
   * target in sync at two checks in a row, so a flapping node does not bounce leadership.
   */
  private balanceLeadership(): void {
    const next = new Set<number>();
    for (const [g, r] of this.replicas) {
      const st = this.multi.node(g)?.status();
      if (!st || st.role !== 'leader' || st.transferee) continue;
      const info = this.controller.state.partitionByGroup(g);
      if (!info) continue;
      const inSync = new Set(inSyncVoters(st));
      inSync.add(this.id);
      const target = preferredLeader(info.replicas, inSync);
      if (target === this.id || target === 0) continue;
      if (this.balanceCandidates.has(g)) {
        this.log(`node ${this.id}: handing ${r.what} to its preferred leader, node ${target}`);
        this.multi.withNode(g, (n) => n.transferLeadership(target));
      } else next.add(g);
    }
    this.balanceCandidates = next;
  }

  /** Snapshot the metadata and trim the controller log, so a node that lags far gets the snapshot. */
  private snapshotController(): void {
    const state = this.controller.state;
    const applied = state.appliedIndex;
    if (applied - this.lastControllerSnapshot < CONTROLLER_LOG_TAIL * 2) return;
    const conf = this.multi.node(CONTROLLER_GROUP)?.status().conf;
    if (!conf) return;
    const data = state.snapshot();
    this.lastControllerSnapshot = applied;
    this.multi.enqueueStoreWork({
      stage: (batch) => {
        batch.createSnapshot(CONTROLLER_GROUP, applied, conf, data);
        batch.compact(CONTROLLER_GROUP, applied - CONTROLLER_LOG_TAIL);
        return true;
      },
    });
  }
}

function isNotLeader(e: unknown): boolean {
  if (e instanceof ProposalDroppedError) return true;
  if (e instanceof RpcError) return e.code === 'NOT_LEADER' || e.code === 'NO_LEADER';
  return (e as { metadata?: grpc.Metadata }).metadata?.get(META.error)[0] === 'NOT_LEADER';
}

/** A forward that did not reach a leader able to take it: try again (perhaps elsewhere). */
function retriableForward(e: unknown): boolean {
  if (isNotLeader(e)) return true;
  return !(e instanceof RpcError) && (e as { code?: unknown }).code === grpc.status.UNAVAILABLE;
}

/** `flotilla start`: run a node until stopped. */
export async function startNode(options: NodeOptions): Promise<{ stop(): Promise<void>; node: FlotillaNode }> {
  const node = await FlotillaNode.start({ ...options, tuning: tuningFromEnv(options.tuning, process.env) });
  return { node, stop: () => node.stop() };
}
