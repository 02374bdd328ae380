import * as grpc from '@grpc/grpc-js';
import { ProposalDroppedError } from '../../raft';
import { META } from '../../proto/load';
import { type Command, CONTROLLER_GROUP, decodeCommand, encodeCommand, MetadataError, type MetadataErrorCode } from '../metadata';
import { ADMIN_TIMEOUT_MS, sleep } from './deadlines';
import type { NodeCore } from './node-core';
import { notLeader, RpcError, shuttingDown } from './rpc-errors';

/** A committed metadata change: its index, and the producer id and epoch an initProducer got (else 0). */
export interface MetadataProposalOutcome {
  index: number;
  producerId: number;
  producerEpoch: number;
}

/**
 * Changes to the metadata: a command is proposed to the metadata group's leader (this node, or
 * forwarded to it with Peer.ProposeMetadata), and answered once this node has applied it too, so
 * that a read here sees the change.
 */
export class MetadataProposals {
  constructor(private readonly core: NodeCore) {}

  /**
   * Commit `command` and wait until this node has applied it. While no leader can take it (none
   * known, a forward refused or unreachable) it is tried again, until `timeoutMs`.
   */
  async propose(command: Command, timeoutMs = ADMIN_TIMEOUT_MS): Promise<MetadataProposalOutcome> {
    const { core } = this;
    const deadline = Date.now() + timeoutMs;
    const bytes = encodeCommand(command);
    const startIndex = core.controller.state.appliedIndex;
    let lastError: unknown;
    /** An attempt failed in a way that leaves open whether the leader applied it. */
    let maybeApplied = false;
    while (Date.now() < deadline) {
      if (core.stopping) throw shuttingDown(core.self);
      const leader = core.controllerLeader();
      try {
        if (leader === core.self) return await this.proposeLocal(command, bytes, deadline);
        if (leader !== 0) {
          const address = core.peers.get(leader);
          if (address) {
            const r = await core.peerCalls.proposeMetadata(address, bytes, deadline);
            if (r.errorCode) throw new MetadataError(r.errorCode as MetadataErrorCode, r.errorMessage);
            await core.controller.waitApplied(r.index, Math.max(1, deadline - Date.now()));
            return { index: r.index, producerId: r.producerId, producerEpoch: r.producerEpoch };
          }
        }
      } catch (e) {
        // A retry of a create or delete that did land the first time is refused as already done.
        if (maybeApplied && e instanceof MetadataError && this.alreadyDone(command, startIndex)) {
          return { index: core.controller.state.appliedIndex, producerId: 0, producerEpoch: 0 };
        }
        if (!retriableForward(e)) throw e;
        if (!isNotLeader(e)) maybeApplied = true;
        lastError = e;
      }
      await sleep(core.tuning.tickMs);
    }
    const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `the metadata group has no reachable leader (waited ${timeoutMs} ms)${detail}; retry`);
  }

  /** Peer call: another node forwards a command to us as the metadata group's leader. */
  async serveForwarded(bytes: Buffer) {
    const { core } = this;
    if (core.stopping) throw shuttingDown(core.self);
    const leader = core.controllerLeader();
    if (leader !== core.self) throw notLeader('the metadata group', core.hint(leader));
    const command = decodeCommand(bytes);
    try {
      const r = await this.proposeLocal(command, bytes, Date.now() + ADMIN_TIMEOUT_MS);
      return { ...r, errorCode: '', errorMessage: '' };
    } catch (e) {
      if (e instanceof MetadataError) return { index: 0, errorCode: e.code, errorMessage: e.message, producerId: 0, producerEpoch: 0 };
      throw e;
    }
  }

  /** Whether the state shows `command` applied since `since` (for an ambiguous retry). */
  private alreadyDone(command: Command, since: number): boolean {
    const state = this.core.controller.state;
    if (command.type === 'createTopic') return (state.topic(command.name)?.createdIndex ?? 0) > since;
    if (command.type === 'deleteTopic') return state.topic(command.name) === undefined;
    // Refused as not growing the topic: the first attempt grew it to the count asked for.
    if (command.type === 'addPartitions') return state.topic(command.name)?.partitions.length === command.partitions;
    return false;
  }

  private async proposeLocal(command: Command, bytes: Uint8Array, deadline: number): Promise<MetadataProposalOutcome> {
    const { controller, multi } = this.core;
    const refused = controller.state.check(command);
    if (refused) throw refused;
    const at = multi.withNode(CONTROLLER_GROUP, (n) => n.propose(bytes));
    const r = await controller.waiters.wait(at.index, at.term, deadline);
    if (!r.ok) throw r.error;
    const outcome = r.outcome;
    return outcome.type === 'initProducer'
      ? { index: r.index, producerId: outcome.producerId, producerEpoch: outcome.producerEpoch }
      : { index: r.index, producerId: 0, producerEpoch: 0 };
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
