import * as grpc from '@grpc/grpc-js';
import type { NodeId } from '../../raft';
import { loadPeerProto } from '../../proto/load';
import type { MultiRaft } from './multi-raft';
import { PEER_CHANNEL_OPTIONS, type PeerClientLike, PeerTransport } from './peer-transport';
import { raftFrameCodec } from '../transport/codec';

/** A client of another node's Peer service, with channel options tuned for fast failover. */
export function newPeerClient(address: string): PeerClientLike {
  const { Peer } = loadPeerProto();
  return new Peer(address, grpc.credentials.createInsecure(), PEER_CHANNEL_OPTIONS) as unknown as PeerClientLike;
}

/** Register the Peer service's Raft stream on `server`, delivering every frame to `host`. */
export function addPeerService(server: grpc.Server, host: () => MultiRaft | undefined): void {
  const { Peer } = loadPeerProto();
  server.addService(Peer.service, {
    raft: PeerTransport.serve(raftFrameCodec, (_from, envelopes) => {
      const h = host();
      if (!h) return;
      for (const { group, message } of envelopes) h.step(group, message);
    }),
    sendSnapshot: (_call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      // Snapshots travel inside the Raft stream today (partition snapshots are small metadata).
      callback({ code: grpc.status.UNIMPLEMENTED, message: 'streamed snapshot transfer is not implemented yet: snapshots go over the Raft stream' });
    },
  });
}

/** The outgoing side: one stream per peer for every group's messages. */
export function peerTransport(self: NodeId, peers: ReadonlyMap<NodeId, string>, host: () => MultiRaft | undefined): PeerTransport {
  return new PeerTransport({
    self,
    peers,
    codec: raftFrameCodec,
    newClient: newPeerClient,
    unreachable: (peer, groups) => {
      const h = host();
      for (const g of groups) h?.withNode(g, (n) => n.reportUnreachable(peer));
    },
  });
}
