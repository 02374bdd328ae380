import type { MetadataProposals } from './metadata-proposals';
import type { NodeCore } from './node-core';
import { toRpcError } from './rpc-errors';

/**
 * Deleted topics leave the metadata: the metadata leader proposes `purgeTopic` for a topic once it
 * has seen it deleted for a whole housekeeping round (so every node that is up has had a round to
 * drop its groups). Purging early loses nothing: a node that still holds a purged topic's groups
 * (it was down) drops them at its next reconcile, as groups the metadata no longer names, and group
 * ids are never reused. Until purged, a deleted topic keeps its id and groups in every snapshot.
 */
export class TopicPurger {
  /** Deleted topic id -> when this node, as metadata leader, first saw it deleted. */
  private readonly seen = new Map<number, number>();
  private inFlight = false;

  constructor(
    private readonly core: NodeCore,
    private readonly proposals: MetadataProposals,
    private readonly graceMs: number,
  ) {}

  round(now: number): void {
    const { core } = this;
    if (core.controllerLeader() !== core.self) {
      this.seen.clear(); // a later leadership starts its own grace periods
      return;
    }
    const deleted = core.controller.state.deletedTopics();
    const ids = new Set(deleted.map((t) => t.id));
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
    for (const t of deleted) if (!this.seen.has(t.id)) this.seen.set(t.id, now);
    if (this.inFlight) return;
    const due = deleted.find((t) => now - this.seen.get(t.id)! >= this.graceMs);
    if (!due) return;
    this.inFlight = true;
    this.proposals.propose({ type: 'purgeTopic', topicId: due.id }, 3000).then(
      () => core.log(`node ${core.self}: purged deleted topic "${due.name}" (id ${due.id}) from the metadata`),
      (e: unknown) => {
        const r = toRpcError(e);
        if (r.code !== 'NOT_LEADER' && r.code !== 'NO_LEADER' && r.code !== 'TIMEOUT') core.log(`node ${core.self}: purging deleted topic "${due.name}" failed: ${r.message}`);
      },
    ).finally(() => {
      this.inFlight = false;
    });
  }
}
