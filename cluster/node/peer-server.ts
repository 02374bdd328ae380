import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { NodeId } from '../../raft';
import type { MultiRaft } from './multi-raft';
import { PEER_CHANNEL_OPTIONS, type PeerClientLike, PeerTransport } from './peer-transport';
import { raftFrameCodec } from '../transport/codec';

const PEER_PROTO = fileURLToPath(new URL('../../proto/peer.proto', import.meta.url));

interface PeerPackage {
  flotilla: { v1: { Peer: grpc.ServiceClientConstructor } };
}

let loaded: PeerPackage | undefined;
function peerPackage(): PeerPackage {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(PEER_PROTO, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true }),
  ) as unknown as PeerPackage;
  return loaded;
}

/** A client of another node's Peer service, with channel options tuned for fast failover. */
export function newPeerClient(address: string): PeerClientLike {
  const Peer = peerPackage().flotilla.v1.Peer;
  return new Peer(address, grpc.credentials.createInsecure(), PEER_CHANNEL_OPTIONS) as unknown as PeerClientLike;
}

/** Register the Peer service's Raft stream on `server`, delivering every frame to `host`. */
export function addPeerService(server: grpc.Server, host: () => MultiRaft | undefined): void {
  const Peer = peerPackage().flotilla.v1.Peer;
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
