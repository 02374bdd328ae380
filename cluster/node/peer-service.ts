import type * as grpc from '@grpc/grpc-js';
import { ADMIN_TIMEOUT_MS } from './deadlines';
import type { MetadataProposals } from './metadata-proposals';
import type { MetadataReader } from './metadata-reader';
import type { ReplicaSet } from './replica-set';
import { toServiceError } from './rpc-errors';

/**
 * The node's own calls of the Peer service (peer.proto), added beside the Raft stream and
 * SendSnapshot that cluster/transport serves: metadata forwarded to this node as the metadata
 * group's leader, its confirmed read index, and the state of the groups it hosts.
 */
export function nodePeerCalls(proposals: MetadataProposals, reader: MetadataReader, replicas: ReplicaSet): grpc.UntypedServiceImplementation {
  return {
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
