import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadPeerProto, type MemberStatusResponse } from '../../proto/load';
import { PEER_CHANNEL_OPTIONS, PeerCalls } from '../transport';
import type { NodeOptions } from './node-options';

/**
 * What a node starting finds of its data directory: one it ran on before, a new one for a new
 * member, or a new one under an id the cluster knows (it lost its data: rejoin.ts readmits it).
 */
export type DataDirVerdict =
  | { readonly kind: 'existing' }
  | { readonly kind: 'new' }
  | { readonly kind: 'lost'; readonly clusterId: string; readonly knownBy: number; readonly peerAddress: string };

/** Whether the node's data directory has never held a store (new, or wiped). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'store'));
}

/**
 * A node starting on a new data directory asks its peers whether the cluster already knows it,
 * before it takes part in any Raft group. A Raft voter that forgot its log and its votes can elect
 * a leader that lacks committed entries, or vote twice in a term, so a known member that lost its
 * disk must not rejoin as if nothing happened: the verdict is 'lost', and the node is readmitted
 * group by group (rejoin.ts; docs/architecture.md, "A node that lost its disk").
 *
 * It goes on only once a majority of the initial peers (itself included) has answered and none
 * knows it as a registered member: the peers of a new cluster, starting together, all answer
 * "fresh". Until then it waits (logging), and serves the same question to the others on its peer
 * port meanwhile, as fresh (so that new nodes need not wait for each other). A running peer answers
 * from its metadata once caught up; before that, as fresh if it has applied no metadata at all (a
 * new cluster's node waiting for its first leader), else not at all. If a majority of the nodes lost their disks at once, no
 * protocol keeps what they committed; this guard is for a minority.
 *
 * What it cannot see: a node that lost its disk before its first registration (the first
 * seconds of a new cluster), since only a registration records that it joined.
 */
export async function guardAgainstLostDisk(options: NodeOptions, log: (line: string) => void, pollMs = 1000): Promise<DataDirVerdict> {
  const others = options.peers.filter((p) => p.id !== options.nodeId);
  if (!isNewDataDir(options.dataDir)) return { kind: 'existing' };
  if (others.length === 0) return { kind: 'new' };
  const majority = Math.floor(options.peers.length / 2) + 1;
  const server = new grpc.Server(PEER_CHANNEL_OPTIONS);
  server.addService(loadPeerProto().Peer.service, {
    memberStatus: (_call: unknown, cb: grpc.sendUnaryData<Partial<MemberStatusResponse>>) => cb(null, { fresh: true, registered: false, clusterId: '' }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.peerPort}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())),
  );
  let lastLog = 0;
  try {
    for (;;) {
      const deadline = Date.now() + pollMs;
      // New channels every round: a peer that was down a moment ago is asked at once, not after a reconnect backoff.
      const calls = new PeerCalls();
      const answers = await Promise.all(
        others.map((p) =>
          calls.memberStatus(p.address, options.nodeId, deadline).then(
            (r) => ({ peer: p, r }),
            () => undefined,
          ),
        ),
      );
      calls.close();
      const answered = answers.filter((a) => a !== undefined);
      const knows = answered.find((a) => a.r.registered);
      if (knows) {
        log(
          `node ${options.nodeId}: its data directory ${options.dataDir} is new, but node ${knows.peer.id} knows node ${options.nodeId} as a registered member ` +
            `of cluster ${knows.r.clusterId || '(unnamed)'} (at ${knows.r.peerAddress}): this node lost its data; it rejoins through a resync`,
        );
        return { kind: 'lost', clusterId: knows.r.clusterId, knownBy: knows.peer.id, peerAddress: knows.r.peerAddress };
      }
      if (answered.length + 1 >= majority) {
        log(`node ${options.nodeId}: new data directory ${options.dataDir}; ${answered.length} of ${others.length} peers answered and none knows this node: starting as a new member`);
        return { kind: 'new' };
      }
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log(`node ${options.nodeId}: new data directory ${options.dataDir}: waiting for a majority of the peers (${majority} of ${options.peers.length}, this node included) to confirm it is not a member that lost its disk (${answered.length} answered)`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    }
  } finally {
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}
