import * as grpc from '@grpc/grpc-js';
import type { Message, NodeId, RaftNode } from '../../raft';
import { loadPeerProto } from '../../proto/load';
import { raftFrameCodec } from './codec';
import { PEER_CHANNEL_OPTIONS, type PeerClientLike, PeerTransport, type PeerTransportOptions } from './peer-transport';
import { serveSnapshots } from './snapshot-receiver';

/**
 * What the Peer service and the transport need of the node's Raft host (the node's MultiRaft):
 * defined here so that the transport does not depend on the node that uses it.
 */
export interface RaftHost {
  /** Step one group's Raft node with a message from a peer. */
  step(group: number, message: Message): void;
  /** A frame came from `peer` (node liveness). */
  heardFrom(peer: NodeId): void;
  has(group: number): boolean;
  /** Why the group is fenced on this node, if it is. */
  failure(group: number): { readonly error: Error } | undefined;
  /** Run `fn` on the group's Raft node if the group is hosted and not fenced. */
  tryWithNode(group: number, fn: (node: RaftNode) => void): void;
}

/** A client of another node's Peer service, with channel options tuned for fast failover. */
export function newPeerClient(address: string): PeerClientLike {
  const { Peer } = loadPeerProto();
  return new Peer(address, grpc.credentials.createInsecure(), PEER_CHANNEL_OPTIONS) as unknown as PeerClientLike;
}

/**
 * Register the Peer service on `server`: the Raft stream, delivering every frame to `host`, and
 * SendSnapshot, reassembling a streamed snapshot and stepping its group with it (refused with a
 * SnapshotAck error if malformed, or if the group is not hosted here). `extra` adds the node's
 * other peer calls.
 */
export function addPeerService(server: grpc.Server, host: () => RaftHost | undefined, extra: grpc.UntypedServiceImplementation = {}): void {
  const { Peer } = loadPeerProto();
  server.addService(Peer.service, {
    ...extra,
    raft: PeerTransport.serve(raftFrameCodec, (from, messages) => {
      const h = host();
      if (!h) return;
      h.heardFrom(from); // once per frame, not per message
      for (const { group, message } of messages) h.step(group, message);
    }),
    sendSnapshot: serveSnapshots((group, message) => {
      const h = host();
      if (!h) return 'this node has no Raft host yet';
      if (!h.has(group)) return `group ${group} is not hosted on this node`;
      const failure = h.failure(group);
      if (failure) return `group ${group} is fenced on this node: ${failure.error.message}`;
      h.step(group, message);
      return undefined;
    }),
  });
}

/** The outgoing side: one stream per peer for every group's messages, and a SendSnapshot call per snapshot. */
export function peerTransport(
  self: NodeId,
  peers: ReadonlyMap<NodeId, string>,
  host: () => RaftHost | undefined,
  options: Pick<PeerTransportOptions, 'catchUpBytesPerSecond'> = {},
): PeerTransport {
  return new PeerTransport({
    ...options,
    self,
    peers,
    codec: raftFrameCodec,
    newClient: newPeerClient,
    unreachable: (peer, groups) => {
      const h = host();
      for (const g of groups) h?.tryWithNode(g, (n) => n.reportUnreachable(peer));
    },
    snapshotDone: (peer, group, ok) => {
      const h = host();
      h?.tryWithNode(group, (n) => n.reportSnapshot(peer, ok));
    },
  });
}
