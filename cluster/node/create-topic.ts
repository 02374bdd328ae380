import * as grpc from '@grpc/grpc-js';
import { type Command, MetadataError } from '../metadata';
import { ADMIN_TIMEOUT_MS, answerBy, sleep } from './deadlines';
import type { MetadataProposals } from './metadata-proposals';
import type { NodeCore } from './node-core';
import { RpcError } from './rpc-errors';

export type CreateTopicCommand = Extract<Command, { type: 'createTopic' }>;

/** Replicas of a topic created without a replication factor (fewer on a smaller cluster). */
const DEFAULT_REPLICATION_FACTOR = 3;

/**
 * CreateTopic. On a cluster that is starting, the nodes of its peer list may not all have
 * registered yet: a replication factor that the peer list can satisfy waits (until a little
 * before `callDeadline`) for them, and then fails with UNAVAILABLE NOT_ENOUGH_REPLICAS naming
 * the nodes that have not registered, by id and peer address. One the peer list cannot satisfy
 * fails at once (INVALID_CONFIG).
 */
export async function createTopic(core: NodeCore, proposals: MetadataProposals, request: CreateTopicCommand, callDeadline: number): Promise<void> {
  // Nodes removed from the cluster (node remove) no longer count.
  const retired = core.controller.state.retiredNodes();
  const members = [...core.peers.keys()].filter((id) => !retired.includes(id));
  const size = members.length;
  // 0: the default, from the peer list (every node the cluster is made of), not from the nodes
  // registered so far, which on a starting cluster may be fewer.
  const command = request.replicationFactor === 0 ? { ...request, replicationFactor: Math.min(DEFAULT_REPLICATION_FACTOR, size) } : request;
  if (Number.isInteger(command.replicationFactor) && command.replicationFactor > size) {
    throw new RpcError(
      grpc.status.INVALID_ARGUMENT,
      'INVALID_CONFIG',
      `topic "${command.name}": replication factor ${command.replicationFactor} is more than the ${size} node${size === 1 ? '' : 's'} of this cluster ` +
        `(its nodes: ${members.sort((a, b) => a - b).join(', ')}); lower the replication factor`,
    );
  }
  const began = Date.now();
  const deadline = answerBy(callDeadline, ADMIN_TIMEOUT_MS);
  for (;;) {
    try {
      await proposals.propose(command, Math.max(1, deadline - Date.now()));
      return;
    } catch (e) {
      if (!(e instanceof MetadataError) || e.code !== 'NOT_ENOUGH_REPLICAS') throw e;
      if (Date.now() + core.tuning.tickMs >= deadline) throw nodesMissing(core, command, Date.now() - began);
    }
    await sleep(core.tuning.tickMs);
  }
}

function nodesMissing(core: NodeCore, command: CreateTopicCommand, waitedMs: number): RpcError {
  const registered = core.controller.state.nodes().map((n) => n.id);
  const retired = core.controller.state.retiredNodes();
  const missing = [...core.peers]
    .filter(([id]) => !registered.includes(id) && !retired.includes(id))
    .sort((a, b) => a[0] - b[0])
    .map(([id, address]) => `node ${id} (peer address ${address}${core.alive(id) ? ', running but not registered' : ', not heard from'})`);
  const leader = core.controllerLeader();
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
