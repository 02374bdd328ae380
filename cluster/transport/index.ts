/**
 * How nodes talk to each other: the Peer service (peer.proto) and its clients. Raft messages of
 * every group travel batched in one frame per peer and Ready cycle (codec.ts) over one stream per
 * peer; snapshots are streamed in chunks over their own call; the node's unary peer calls
 * (metadata forwarding and reads, group status) share one channel per peer. The transport knows
 * the node only through `RaftHost`.
 */
export { decodeRaftFrame, encodeRaftFrame, type GroupMessage, raftFrameCodec } from './codec';
export { PEER_CHANNEL_OPTIONS, type PeerTransport } from './peer-transport';
export { addPeerService, newPeerClient, peerTransport, type RaftHost } from './peer-server';
export { PeerCalls } from './peer-calls';
export { SnapshotAssembler, snapshotChunks, type SnapshotMessage } from './snapshot-chunks';
