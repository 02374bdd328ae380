import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotAck, SnapshotChunk } from '../../proto/load';
import { newPeerClient, raftFrameCodec, snapshotChunks, type SnapshotMessage } from '../transport';
import { PeerTestCluster, SnapshottingApp, waitFor } from './test-support';

const ids = [1, 2, 3];
const GROUPS = 2;
/** Padding in every snapshot, so that each is streamed in several 1 MiB chunks. */
const FILLER_BYTES = 2.5 * (1 << 20);
const root = mkdtempSync(join(tmpdir(), 'flotilla-snap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What each node's Peer server saw. */
interface Traffic {
  sendSnapshotCalls: number;
  chunksPerCall: number[];
  acks: SnapshotAck[];
  snapshotsInRaftFrames: number;
  raftFrames: number;
}

/** Wrap the handlers addPeerService registers, to count what arrives over each call. */
function instrument(server: grpc.Server, traffic: Traffic): void {
  const addService = server.addService.bind(server);
  server.addService = (service, impl) => {
    const raft = impl.raft as grpc.handleBidiStreamingCall<{ payload: Buffer }, Record<string, never>>;
    const sendSnapshot = impl.sendSnapshot as grpc.handleClientStreamingCall<SnapshotChunk, SnapshotAck>;
    addService(service, {
      ...impl,
      raft: (call: grpc.ServerDuplexStream<{ payload: Buffer }, Record<string, never>>) => {
        call.on('data', (frame: { payload: Buffer }) => {
          traffic.raftFrames++;
          for (const { message } of raftFrameCodec.decode(frame.payload)) if (message.type === 'snapshot') traffic.snapshotsInRaftFrames++;
        });
        raft(call);
      },
      sendSnapshot: (call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>, callback: grpc.sendUnaryData<SnapshotAck>) => {
        traffic.sendSnapshotCalls++;
        const n = traffic.chunksPerCall.push(0) - 1;
        call.on('data', () => traffic.chunksPerCall[n]++);
        sendSnapshot(call, (err, ack) => {
          if (ack) traffic.acks.push(ack);
          callback(err, ack);
        });
      },
    });
  };
}

const traffic = new Map<number, Traffic>();
const cluster = new PeerTestCluster({
  ids,
  groups: GROUPS,
  root,
  clusterId: 'snap',
  newApp: () => new SnapshottingApp(FILLER_BYTES),
  onServer: (id, server) => {
    const t: Traffic = { sendSnapshotCalls: 0, chunksPerCall: [], acks: [], snapshotsInRaftFrames: 0, raftFrames: 0 };
    traffic.set(id, t);
    instrument(server, t);
  },
});
const nodes = cluster.nodes;

/** Snapshot every group at its applied index and drop the log up to there, in the host's next store batch. */
function snapshotAndCompact(id: number): Promise<number[]> {
  const n = nodes.get(id)!;
  const points: number[] = [];
  return new Promise((resolve) =>
    n.host.enqueueStoreWork({
      stage: (batch) => {
        for (let g = 1; g <= GROUPS; g++) {
          const app = n.apps.get(g)!;
          batch.createSnapshot(g, app.applied, n.host.node(g)!.status().conf, app.snapshotData());
          batch.compact(g, app.applied);
          points.push(app.applied);
        }
        return true;
      },
      committed: () => resolve(points),
    }),
  );
}

const series = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const appliedEverywhere = (who: number[], count: number) => who.every((id) => [...nodes.get(id)!.apps.values()].every((a) => a.values.length === count));

describe('streamed snapshot transfer over real gRPC', () => {
  it('a follower far behind a compacted leader receives the snapshot over SendSnapshot and catches up', async () => {
    await cluster.reserveAddresses();
    for (const id of ids) await cluster.start(id);

    await cluster.propose('a', 20);
    await waitFor(() => appliedEverywhere(ids, 20), 'round one everywhere');

    await cluster.stop(3);
    await cluster.propose('b', 30);
    await waitFor(() => appliedEverywhere([1, 2], 50), 'round two on 1 and 2');

    // Both remaining nodes compact, so whichever leads must send node 3 a snapshot.
    const points = [...(await snapshotAndCompact(1)), ...(await snapshotAndCompact(2))];
    for (const id of [1, 2]) for (let g = 1; g <= GROUPS; g++) expect(nodes.get(id)!.store.group(g)!.firstIndex()).toBeGreaterThan(21);

    await cluster.start(3);
    await waitFor(() => appliedEverywhere([3], 50), 'node 3 caught up through the snapshot');

    // Replication goes on after the snapshot: the leader's progress left snapshot state.
    await cluster.propose('c', 5);
    await waitFor(() => appliedEverywhere(ids, 55), 'round three everywhere');
    const want = [...series('a', 20), ...series('b', 30), ...series('c', 5)];
    for (let g = 1; g <= GROUPS; g++) for (const id of ids) expect(nodes.get(id)!.apps.get(g)!.values).toEqual(want);
    for (let g = 1; g <= GROUPS; g++) {
      const progress = nodes.get(cluster.leaderOf(g)!)!.host.node(g)!.status().progress!.find((p) => p.id === 3)!;
      expect(progress.state).toBe('replicate');
      expect(progress.match).toBeGreaterThanOrEqual(Math.min(...points));
    }

    // Node 3 installed one snapshot per group, each streamed in several chunks over SendSnapshot.
    const t3 = traffic.get(3)!;
    for (const app of nodes.get(3)!.apps.values()) {
      expect(app.restored.length).toBeGreaterThanOrEqual(1);
      expect(app.restored.every((bytes) => bytes > FILLER_BYTES)).toBe(true);
    }
    expect(t3.sendSnapshotCalls).toBeGreaterThanOrEqual(GROUPS);
    expect(t3.acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(GROUPS);
    expect(t3.chunksPerCall.filter((c) => c >= 3).length).toBeGreaterThanOrEqual(GROUPS);
    // ... and never inside a Raft frame, on any node.
    expect(t3.raftFrames).toBeGreaterThan(0);
    for (const id of nodes.keys()) expect(traffic.get(id)!.snapshotsInRaftFrames).toBe(0);
  });

  it('refuses a malformed stream, and a snapshot for a group the node does not host, with a SnapshotAck error', async () => {
    const client = newPeerClient(cluster.addresses.get(1)!);
    const send = (chunks: SnapshotChunk[]) =>
      new Promise<SnapshotAck>((resolve, reject) => {
        const call = client.sendSnapshot(new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, ack) => (err ? reject(err) : resolve(ack!)));
        for (const c of chunks) call.write(c);
        call.end();
      });
    const message: SnapshotMessage = {
      type: 'snapshot',
      from: 2,
      to: 1,
      term: 1,
      snapshot: { metadata: { index: 10, term: 1, conf: { voters: ids, learners: [] } }, data: Buffer.alloc(3000, 1) },
    };
    const chunks = [...snapshotChunks(1, message, 1000)];
    expect(await send([chunks[0], chunks[2]])).toEqual({ ok: false, error: 'snapshot stream refused: a chunk at offset 2000 where 1000 was due (chunks must be contiguous)' });
    expect(await send(chunks.slice(0, 2))).toEqual({ ok: false, error: 'snapshot stream refused: the stream ended after 2000 of 3000 bytes, without its last chunk' });
    expect(await send([{ ...chunks[0], metadata: Buffer.from('nonsense') }])).toMatchObject({ ok: false, error: expect.stringMatching(/header version 110/) });
    expect(await send([...snapshotChunks(77, message, 1000)])).toEqual({ ok: false, error: 'snapshot of group 77 not delivered: group 77 is not hosted on this node' });
    client.close();
    await cluster.stopAll();
  });
});
