import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ConfState, Message, NodeId } from '../../raft';
import { LogStore, StoreFailedError } from '../../log-store';
import { type ClusterDescription, loadFlotillaProto, type TopicDescription } from '../../proto/load';
import { type Command, CONTROLLER_GROUP, type MetadataState, type TopicInfo } from '../metadata';
import { addPeerService, PEER_CHANNEL_OPTIONS, PeerCalls, peerTransport, type PeerTransport } from '../transport';
import { flotillaService, type MetadataAccess, type PartitionAccess } from './client-service';
import { resolveClusterId } from './cluster-id';
import { Controller } from './controller';
import { createTopic, type CreateTopicCommand } from './create-topic';
import { ADMIN_TIMEOUT_MS } from './deadlines';
import { DescribeFanOut } from './describe-fan-out';
import { GroupCoordinator } from './group-coordinator';
import { Housekeeping } from './housekeeping';
import { TopicPurger } from './topic-purger';
import { guardAgainstLostDisk } from './lost-disk-guard';
import { type DataDirIdentity, ensureIdentity, newIncarnation, readIdentity, writeIdentity } from './identity';
import { controllerSeats, MembershipDriver } from './membership-driver';
import { awaitReadmission } from './rejoin';
import { discoverCluster } from './join';
import { ReplicaRepair } from './replica-repair';
import { markDamaged, refuseIfDamaged } from './damaged-marker';
import { MetadataProposals, type MetadataProposalOutcome } from './metadata-proposals';
import { MetadataReader } from './metadata-reader';
import { MultiRaft } from './multi-raft';
import { NodeCore } from './node-core';
import { DEFAULT_TUNING, type NodeOptions, tuningFromEnv } from './node-options';
import { NodeRegistration } from './node-registration';
import type { PartitionReplica } from './partition-replica';
import { nodePeerCalls } from './peer-service';
import { ReplicaSet } from './replica-set';
import { RpcError } from './rpc-errors';
import { hostStore } from './store-adapter';

function bind(server: grpc.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(new Error(`cannot listen on ${address}: ${err.message}`)) : resolve())),
  );
}

/**
 * One Flotilla node: the LevelDB store, the multi-Raft host, the metadata group (controller) and
 * the partition groups assigned to this node, the Peer service for other nodes and the Flotilla
 * service for clients. It owns their lifecycle (start, stop) and hands the work to its parts:
 * ReplicaSet (the partition replicas hosted here), MetadataProposals and MetadataReader (changes
 * to and reads of the metadata), NodeRegistration, DescribeFanOut and Housekeeping.
 */
export class FlotillaNode implements PartitionAccess, MetadataAccess {
  readonly id: NodeId;
  private readonly core: NodeCore;
  private readonly transport: PeerTransport;
  private readonly replicas: ReplicaSet;
  private readonly reader: MetadataReader;
  private readonly proposals: MetadataProposals;
  private readonly registration: NodeRegistration;
  private readonly describer: DescribeFanOut;
  private readonly housekeeping: Housekeeping;
  private readonly repair: ReplicaRepair;
  private readonly groups: GroupCoordinator;
  private readonly peerServer: grpc.Server;
  private readonly clientServer: grpc.Server;
  private heartbeats: NodeJS.Timeout | undefined;
  /** Fault injection for in-process tests (a network cut): Raft messages it returns true for are not sent. */
  dropOutgoing: ((group: number, message: Message) => boolean) | undefined;

  static async start(given: NodeOptions): Promise<FlotillaNode> {
    const log = given.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    // Joining a running cluster: its members come from the node named, not from --peers.
    const joining = given.join ? await discoverCluster(given, log) : undefined;
    const options: NodeOptions = joining ? { ...given, peers: joining.peers, clusterId: joining.clusterId } : given;
    // Before anything is created: a known member that lost its disk must not rejoin as it was.
    const verdict = await guardAgainstLostDisk(options, log);
    refuseIfDamaged(options.dataDir);
    await mkdir(options.dataDir, { recursive: true });
    let identity: DataDirIdentity;
    let clusterId: string;
    if (verdict.kind === 'lost') {
      // The identity is written before anything is registered, so a crash while waiting rejoins
      // under the same incarnation; the store is made only once readmitted.
      identity = (await readIdentity(options.dataDir)) ?? { incarnation: newIncarnation(), joinedEmpty: true };
      if (!identity.joinedEmpty) identity = { incarnation: newIncarnation(), joinedEmpty: true };
      await writeIdentity(options.dataDir, identity);
      clusterId = await resolveClusterId(options.dataDir, verdict.clusterId || options.clusterId, options.peers);
      await awaitReadmission(options, identity, log);
    } else if (joining && verdict.kind === 'new') {
      // A new member of a running cluster: registered through the others before it runs
      // anything, then added by the metadata group's leader as a learner of the metadata.
      identity = await ensureIdentity(options.dataDir, true);
      clusterId = await resolveClusterId(options.dataDir, options.clusterId, options.peers);
      await awaitReadmission(options, identity, log, 'join');
    } else {
      identity = await ensureIdentity(options.dataDir, joining !== undefined);
      clusterId = await resolveClusterId(options.dataDir, options.clusterId, options.peers);
    }
    const store = await LogStore.open(join(options.dataDir, 'store'), { clusterId, nodeId: options.nodeId });
    const node = new FlotillaNode(options, store, clusterId, identity);
    await node.listen();
    return node;
  }

  private constructor(
    readonly options: NodeOptions,
    store: LogStore,
    clusterId: string,
    identity: DataDirIdentity,
  ) {
    this.id = options.nodeId;
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const peers = new Map(options.peers.map((p) => [p.id, p.address]));
    const controller = new Controller(() => {
      this.learnPeers();
      this.replicas.reconcile();
    }, {
      readStates: (states) => this.reader.readStates(states),
      roleChanged: (soft) => {
        this.reader.roleChanged(soft);
        // A leader is known: register now rather than at the next housekeeping round (outside the Ready cycle).
        if (soft.leader !== 0 && !this.registration.registered) setImmediate(() => void this.registration.register());
      },
    });
    const multi = new MultiRaft({
      nodeId: this.id,
      store: hostStore(store),
      transport: {
        send: (g, m) => {
          if (!this.dropOutgoing?.(g, m)) this.transport.send(g, m);
        },
        flush: () => this.transport.flush(),
      },
      tickMs: tuning.tickMs,
      electionTicks: tuning.electionTicks,
      heartbeatTicks: tuning.heartbeatTicks,
      onError: (group, e) => log(`node ${this.id}: group ${group}: ${e instanceof Error ? e.message : String(e)}`),
      onGroupFailed: (f) => {
        log(
          `node ${this.id}: ${this.core.groupName(f.group)} FAILED on this node and is fenced (failure ${f.attempts} in a row): ${f.error.message}; ` +
            (f.final ? 'it stays fenced here (the other replicas serve it)' : 'it will be restarted from its log'),
        );
        this.repair.failed(f);
      },
      onGroupRepaired: (g, attempts) => log(`node ${this.id}: ${this.core.groupName(g)} restarted from its log after failure ${attempts}`),
      onFatal: (e) => this.fatal(e),
    });
    this.transport = peerTransport(this.id, peers, () => multi, { catchUpBytesPerSecond: tuning.catchUpBytesPerSec });
    store.onEntriesLoaded = (g) => multi.entriesLoaded(g);

    this.core = new NodeCore({ self: this.id, tuning, log, store, multi, controller, peers, peerCalls: new PeerCalls(), identity });
    this.reader = new MetadataReader(this.core);
    this.replicas = new ReplicaSet(this.core, () => this.reader.caughtUp);
    this.proposals = new MetadataProposals(this.core);
    this.repair = new ReplicaRepair(this.core, this.proposals);
    this.registration = new NodeRegistration(this.core, this.proposals, clusterId, options.advertisedAddress);
    this.describer = new DescribeFanOut(this.core, this.replicas);
    this.housekeeping = new Housekeeping(
      this.core,
      this.replicas,
      this.registration,
      this.reader,
      new TopicPurger(this.core, this.proposals, tuning.retentionIntervalMs),
      new MembershipDriver(this.core, this.proposals),
      this.repair,
    );

    this.peerServer = new grpc.Server(PEER_CHANNEL_OPTIONS);
    addPeerService(this.peerServer, () => (this.core.stopping ? undefined : multi), nodePeerCalls(this.proposals, this.reader, this.replicas, this.core));
    this.clientServer = new grpc.Server({ 'grpc.max_receive_message_length': 128 << 20, 'grpc.max_send_message_length': 128 << 20 });
    this.groups = groupCoordinatorOf(this, this.core);
    this.clientServer.addService(loadFlotillaProto().Flotilla.service, flotillaService(this, this, this.groups));
  }

  /** Listen, start the metadata group and the Raft host, and begin the background work. */
  private async listen(): Promise<void> {
    const { options: o, core } = this;
    await bind(this.peerServer, `${o.host}:${o.peerPort}`);
    await bind(this.clientServer, `${o.host}:${o.clientPort}`);

    // A node that lost its data joins the metadata group with no membership: it learns it from the leader that readmitted it.
    const conf: ConfState = core.identity.joinedEmpty ? { voters: [], learners: [] } : controllerSeats(core.peers.keys());
    const fresh = core.store.group(CONTROLLER_GROUP) === undefined;
    core.multi.addGroup(CONTROLLER_GROUP, conf, core.controller);
    core.multi.start();
    // A new cluster need not wait a whole election timeout for its first controller.
    const alone = conf.voters.length === 1 && conf.voters[0] === this.id;
    if ((fresh && conf.voters[0] === this.id) || alone) core.multi.withNode(CONTROLLER_GROUP, (n) => n.campaign());
    this.housekeeping.start();
    this.groups.start();
    // Node liveness: one empty frame per idle peer link and heartbeat interval (none per group).
    this.transport.heartbeat();
    this.reader.started();
    this.reader.catchUp();
    this.heartbeats = setInterval(() => this.transport.heartbeat(), core.tuning.tickMs * core.tuning.heartbeatTicks);
  }

  /** Nodes the metadata registered that this node has no address for (they joined later): reach them at their registered peer address. */
  private learnPeers(): void {
    const { core } = this;
    for (const n of core.controller.state.nodes()) {
      if (core.peers.has(n.id)) continue;
      core.peers.set(n.id, n.peerAddress);
      this.transport.addPeer(n.id, n.peerAddress);
      core.log(`node ${this.id}: node ${n.id} joined the cluster (peer address ${n.peerAddress})`);
    }
  }

  private fatal(e: unknown): void {
    if (e instanceof StoreFailedError && e.damaged) markDamaged(this.options.dataDir, e.message);
    this.core.log(`node ${this.id}: FATAL: the store failed, stopping: ${e instanceof Error ? e.message : String(e)}`);
    if (this.options.onFatal) this.options.onFatal(e);
    else process.exit(70);
  }

  async stop(): Promise<void> {
    const { core } = this;
    if (core.stopping) return;
    core.stopping = true;
    this.housekeeping.stop();
    this.groups.stop();
    if (this.heartbeats) clearInterval(this.heartbeats);
    this.replicas.closeAll();
    core.controller.waiters.failAll(
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
    await core.multi.stop();
    this.transport.close();
    core.peerCalls.close();
    this.peerServer.forceShutdown();
    await core.store.close();
  }

  get stopping(): boolean {
    return this.core.stopping;
  }

  /** The replica of a group hosted here (tests look inside). */
  replica(groupId: number): PartitionReplica | undefined {
    return this.replicas.get(groupId);
  }

  /** Whether a node was heard from lately (NodeCore.alive). */
  alive(id: NodeId): boolean {
    return this.core.alive(id);
  }

  // ---- what the client service needs (client-service.ts) ---------------------------------------

  replicaFor(topic: string, partition: number): PartitionReplica {
    return this.replicas.replicaFor(topic, partition);
  }

  createTopic(command: CreateTopicCommand, callDeadline: number): Promise<void> {
    return createTopic(this.core, this.proposals, command, callDeadline);
  }

  proposeMetadata(command: Command, timeoutMs = ADMIN_TIMEOUT_MS): Promise<MetadataProposalOutcome> {
    return this.proposals.propose(command, timeoutMs);
  }

  appliedMetadata(): MetadataState {
    return this.core.controller.state;
  }

  readMetadata(callDeadline: number): Promise<MetadataState> {
    return this.reader.read(callDeadline);
  }

  describeTopic(topic: TopicInfo): Promise<TopicDescription> {
    return this.describer.describeTopic(topic);
  }

  describeCluster(state: MetadataState): ClusterDescription {
    return this.describer.describeCluster(state);
  }
}

/** The node's group coordinator, over its replicas and metadata. */
function groupCoordinatorOf(node: FlotillaNode, core: NodeCore): GroupCoordinator {
  return new GroupCoordinator({
    id: node.id,
    get stopping() {
      return core.stopping;
    },
    replicaFor: (topic, partition) => node.replicaFor(topic, partition),
    appliedMetadata: () => node.appliedMetadata(),
    createTopic: (command, deadline) => node.createTopic(command, deadline),
    describeTopic: (topic) => node.describeTopic(topic),
    hint: (id) => core.hint(id),
  });
}

/** `flotilla start`: run a node until stopped. */
export async function startNode(options: NodeOptions): Promise<{ stop(): Promise<void>; node: FlotillaNode }> {
  const node = await FlotillaNode.start({ ...options, tuning: tuningFromEnv(options.tuning, process.env) });
  return { node, stop: () => node.stop() };
}
