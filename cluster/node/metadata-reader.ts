import type { ReadState, SoftState } from '../../raft';
import { CONTROLLER_GROUP, type MetadataState } from '../metadata';
import { ADMIN_TIMEOUT_MS, answerBy } from './deadlines';
import { MetadataReads } from './metadata-reads';
import type { NodeCore } from './node-core';
import { livenessWindowMs, metadataReadWaitMs } from './node-options';
import { notLeader, shuttingDown } from './rpc-errors';

/**
 * This node's linearizable reads of the metadata (ListTopics, DescribeTopic, DescribeCluster),
 * wired to its Raft host and peers (MetadataReads does the rounds), and its catching up with the
 * cluster's metadata after a start.
 */
export class MetadataReader {
  private readonly reads: MetadataReads;
  private catchingUp = false;
  /**
   * This node's metadata has been as new as the cluster's committed metadata at least once since
   * it started (a linearizable read completed). Until then it may still be replaying its
   * metadata log, and a topic it does not know may well exist.
   */
  private metadataCaughtUp = false;

  constructor(private readonly core: NodeCore) {
    const { tuning } = core;
    this.reads = new MetadataReads(
      {
        self: core.self,
        leader: () => core.controllerLeader(),
        readIndex: (ctx) => core.multi.withNode(CONTROLLER_GROUP, (n) => n.readIndex(ctx)),
        forward: (leader, deadline) => {
          const address = core.peers.get(leader);
          if (!address) return Promise.reject(new Error(`node ${leader} is not in this node's peer list`));
          return core.peerCalls.metadataReadIndex(address, deadline);
        },
        appliedIndex: () => core.controller.state.appliedIndex,
        waitApplied: (index, deadline) => core.controller.waitApplied(index, Math.max(1, deadline - Date.now())),
        quorumHeard: () => this.quorumHeard(),
        describeLeader: (id) => `node ${id} at ${core.peers.get(id) ?? 'an unknown address'}`,
      },
      // The grace covers a liveness window plus the peers' reconnect backoff (FAILOVER_CHANNEL_OPTIONS: at most 1 s).
      { roundTimeoutMs: 2 * tuning.tickMs * tuning.electionTicks, retryMs: tuning.tickMs, startupGraceMs: livenessWindowMs(tuning) + 1500 },
    );
  }

  get caughtUp(): boolean {
    return this.metadataCaughtUp;
  }

  /** The node serves from now on (the start of MetadataReads' startup grace). */
  started(): void {
    this.reads.started();
  }

  /** The metadata group's ReadIndex answers (Controller events). */
  readStates(states: readonly ReadState[]): void {
    this.reads.readStates(states);
  }

  /** The metadata group's Raft changed role or leader (Controller events). */
  roleChanged(soft: SoftState): void {
    this.reads.roleChanged(soft);
  }

  /**
   * The metadata state, once it is at least as new as the cluster's committed metadata at the
   * time of the call (a linearizable read, see MetadataReads). Rejects with UNAVAILABLE NO_LEADER
   * ("node N cannot reach the metadata group's leader ...") a little before `callDeadline`, or
   * sooner when this node cannot reach a quorum of the metadata group: it never answers from a
   * copy that may be stale.
   */
  async read(callDeadline: number): Promise<MetadataState> {
    const { core } = this;
    if (core.stopping) throw shuttingDown(core.self);
    await this.reads.linearizable(answerBy(callDeadline, metadataReadWaitMs(core.tuning)));
    this.metadataCaughtUp = true;
    return core.controller.state;
  }

  /** After a start, catch up with the cluster's metadata in the background (see metadataCaughtUp). */
  catchUp(): void {
    if (this.metadataCaughtUp || this.catchingUp || this.core.stopping) return;
    this.catchingUp = true;
    this.read(Date.now() + ADMIN_TIMEOUT_MS)
      .catch(() => undefined) // tried again at the next housekeeping round
      .finally(() => {
        this.catchingUp = false;
      });
  }

  /** Peer call: a follower asks us, as the metadata group's leader, for a confirmed read index. */
  async serveReadIndex(deadline: number): Promise<number> {
    const { core } = this;
    if (core.stopping) throw shuttingDown(core.self);
    const leader = core.controllerLeader();
    if (leader !== core.self) throw notLeader('the metadata group', core.hint(leader));
    return this.reads.confirmedIndex(deadline);
  }

  /** Whether this node has lately heard from a quorum of the metadata group's voters (itself included when it votes). */
  private quorumHeard(): boolean {
    const voters = this.core.multi.node(CONTROLLER_GROUP)?.status().conf.voters ?? [];
    const heard = voters.filter((v) => this.core.alive(v)).length;
    return heard >= Math.floor(voters.length / 2) + 1;
  }
}
