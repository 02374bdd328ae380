import * as grpc from '@grpc/grpc-js';
import { ControllerSnapshots } from './controller-snapshots';
import { LeadershipBalancer } from './leadership-balancer';
import type { MetadataReader } from './metadata-reader';
import type { NodeCore } from './node-core';
import type { NodeRegistration } from './node-registration';
import type { ReplicaSet } from './replica-set';
import { InSyncWatch } from './replica-status';
import { CleanerWork, enqueueRetention } from './retention-work';
import { RpcError } from './rpc-errors';
import type { TopicPurger } from './topic-purger';
import type { MembershipDriver } from './membership-driver';
import type { ReplicaRepair } from './replica-repair';

const INTERVAL_MS = 200;

/**
 * A node's background work, on one timer: expire waiters past their deadline, register and catch
 * up with the metadata until done, log in-sync changes of the partitions led here, and at their
 * own intervals balance leadership and apply retention (partitions, then the metadata log, then
 * deleted topics leave the metadata).
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private lastBalance = 0;
  private lastRetention = 0;
  private readonly balancer: LeadershipBalancer;
  private readonly controllerSnapshots = new ControllerSnapshots();
  /** Logs replicas leaving and rejoining the in-sync set of the partitions led here, once per round. */
  private readonly inSync: InSyncWatch;
  /** Log compaction of the compacted topics' replicas: a round of passes whenever the last one is done. */
  private readonly cleaners: CleanerWork;

  constructor(
    private readonly core: NodeCore,
    private readonly replicas: ReplicaSet,
    private readonly registration: NodeRegistration,
    private readonly reader: MetadataReader,
    private readonly purger: TopicPurger,
    private readonly membership: MembershipDriver,
    private readonly repair: ReplicaRepair,
  ) {
    this.balancer = new LeadershipBalancer(core);
    this.inSync = new InSyncWatch(core.self, core.log);
    this.cleaners = new CleanerWork(core.log);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    const { core } = this;
    if (core.stopping) return;
    const now = Date.now();
    for (const r of this.replicas.all().values()) r.expire(now);
    core.controller.waiters.expire(now, () => new RpcError(grpc.status.DEADLINE_EXCEEDED, 'TIMEOUT', 'the metadata change was not committed in time; its outcome is unknown'));
    if (!this.registration.registered) void this.registration.register();
    this.reader.catchUp();
    this.inSync.round(this.replicas.watched());
    this.membership.round(this.replicas.all().keys());
    this.repair.round();
    if (now - this.lastBalance >= core.tuning.balanceIntervalMs) {
      this.lastBalance = now;
      this.balancer.balance(this.replicas.all());
    }
    this.cleaners.round(core.multi, this.replicas.all(), () => Date.now());
    if (now - this.lastRetention >= core.tuning.retentionIntervalMs) {
      this.lastRetention = now;
      enqueueRetention(core.multi, this.replicas.all(), now);
      this.controllerSnapshots.maybeSnapshot(core.multi, core.controller.state);
      this.purger.round(now);
    }
  }
}
