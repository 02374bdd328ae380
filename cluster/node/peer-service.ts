import * as grpc from '@grpc/grpc-js';
import { ADMIN_TIMEOUT_MS } from './deadlines';
import type { MetadataProposals } from './metadata-proposals';
import type { MetadataReader } from './metadata-reader';
import type { NodeCore } from './node-core';
import type { ReplicaSet } from './replica-set';
import { toServiceError } from './rpc-errors';

/**
 * The node's own calls of the Peer service (peer.proto), added beside the Raft stream and
 * SendSnapshot that cluster/transport serves: metadata forwarded to this node as the metadata
 * group's leader, its confirmed read index, the state of the groups it hosts, and what its
 * metadata says of a node (asked by a node starting on a new data directory).
 */
export function nodePeerCalls(proposals: MetadataProposals, reader: MetadataReader, replicas: ReplicaSet, core: NodeCore): grpc.UntypedServiceImplementation {
  return {
    MemberStatus: (call: grpc.ServerUnaryCall<{ node: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      // A stale answer could let a node that lost its disk rejoin: only caught-up metadata answers,
      // or a node that has applied no metadata at all (a new cluster waiting for its first leader,
      // which may need the asker's vote): it knows nothing, as a new node.
      const state = core.controller.state;
      if (!reader.caughtUp) {
        if (state.appliedIndex === 0) cb(null, { clusterId: '', registered: false, peerAddress: '', fresh: true });
        else cb({ code: grpc.status.UNAVAILABLE, details: `node ${core.self} has not caught up with the metadata yet` });
        return;
      }
      const known = state.node(call.request.node);
      cb(null, {
        clusterId: state.clusterId,
        registered: known !== undefined,
        peerAddress: known?.peerAddress ?? '',
        fresh: false,
        incarnation: known?.incarnation ?? '',
        awaitingReadmission: state.controllerResyncing().includes(call.request.node),
        peers: state.nodes().map((n) => ({ id: n.id, peerAddress: n.peerAddress })),
      });
    },
    ProposeMetadata: (call: grpc.ServerUnaryCall<{ command: Buffer }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      proposals.serveForwarded(call.request.command).then(
        (r) => cb(null, r),
        (e) => cb(toServiceError(e)),
      );
    },
    GroupStatus: (call: grpc.ServerUnaryCall<{ groups: number[] }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      cb(null, { groups: call.request.groups.flatMap((g) => replicas.localState(g) ?? []) });
    },
    MetadataReadIndex: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const d = call.getDeadline();
      const deadline = d instanceof Date ? d.getTime() : Number(d);
      reader.serveReadIndex(Number.isFinite(deadline) ? deadline : Date.now() + ADMIN_TIMEOUT_MS).then(
        (index) => cb(null, { index }),
        (e) => cb(toServiceError(e)),
      );
    },
  };
}
