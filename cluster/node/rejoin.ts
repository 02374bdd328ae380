import * as grpc from '@grpc/grpc-js';
import { loadPeerProto } from '../../proto/load';
import { encodeCommand } from '../metadata';
import { PEER_CHANNEL_OPTIONS, PeerCalls } from '../transport';
import type { DataDirIdentity } from './identity';
import type { NodeOptions } from './node-options';

/**
 * A node that lost its data (a new directory under an id the cluster knows) waits here, before it
 * runs any Raft group, until the cluster has readmitted it to the metadata group:
 * 1. it registers its new incarnation with `lostData` (forwarded to whichever peer leads the
 *    metadata group): every group it was a member of now lists it as resyncing;
 * 2. the metadata group's leader removes its old seat (a membership change committed without
 *    it), adds it back as a learner, and records it readmitted (membership-driver.ts);
 * 3. once a peer's metadata shows this incarnation readmitted, it returns: the node then starts
 *    the metadata group with no membership, empty, and learns it from the leader. Its partition
 *    groups follow the same way, each readmitted by its own leader.
 * Meanwhile it answers other nodes' MemberStatus with UNAVAILABLE: it knows nothing, and must not
 * pass for the fresh node of a new cluster. Safe to repeat after a crash: a registration of the
 * same incarnation changes nothing.
 */
export async function awaitReadmission(options: NodeOptions, identity: DataDirIdentity, log: (line: string) => void, why: 'lost' | 'join' = 'lost', pollMs = 500): Promise<void> {
  const self = options.peers.find((p) => p.id === options.nodeId);
  if (!self) throw new Error(`node ${options.nodeId} is not among its own peers`);
  const others = options.peers.filter((p) => p.id !== options.nodeId);
  const server = new grpc.Server(PEER_CHANNEL_OPTIONS);
  const unavailable = {
    code: grpc.status.UNAVAILABLE,
    details: `node ${options.nodeId} ${why === 'lost' ? 'lost its data and waits to be readmitted' : 'is joining the cluster'}; it knows nothing yet`,
  };
  server.addService(loadPeerProto().Peer.service, {
    memberStatus: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(unavailable),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.peerPort}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
  );
  const register = encodeCommand({
    type: 'registerNode',
    nodeId: options.nodeId,
    host: options.advertisedAddress,
    peerAddress: self.address,
    incarnation: identity.incarnation,
    lostData: why === 'lost',
  });
  let lastLog = 0;
  try {
    for (;;) {
      const deadline = Date.now() + pollMs;
      const calls = new PeerCalls();
      const answers = await Promise.all(others.map((p) => calls.memberStatus(p.address, options.nodeId, deadline).catch(() => undefined)));
      const mine = answers.find((a) => a?.registered && a.incarnation === identity.incarnation);
      if (mine && !mine.awaitingReadmission) {
        calls.close();
        log(
          why === 'lost'
            ? `node ${options.nodeId}: readmitted to the metadata group as incarnation ${identity.incarnation}; starting empty, to be resynced group by group`
            : `node ${options.nodeId}: registered with the cluster as a new node; it holds no replicas until some are moved to it (flotilla partition reassign) or new topics are created`,
        );
        return;
      }
      // Only the metadata group's leader takes it; the others refuse, which is expected.
      if (!mine) await Promise.all(others.map((p) => calls.proposeMetadata(p.address, register, deadline).catch(() => undefined)));
      calls.close();
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log(
          `node ${options.nodeId}: ${why === 'lost' ? 'lost its data' : 'joining'}; waiting for the cluster to ` +
            (mine ? 'readmit it to the metadata group (its old seat is removed first, which needs every other voter of that group up)' : 'record its new incarnation (a metadata leader must answer)'),
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    }
  } finally {
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}
