/**
 * Snapshot transfers that go wrong halfway, over real gRPC: node 3's Peer port is reached by the
 * other nodes through a TCP proxy in this process, so a test can drop every connection to node 3
 * (the TCP connections die mid-stream, as a dropped link does) or stall them (bytes stop flowing,
 * as behind a congested link) at the moment node 3 has received some of a snapshot's chunks. The
 * snapshots are several MiB (many 1 MiB chunks) and carry a checksum, so a half-received
 * snapshot that were installed would be noticed. Every test ends with node 3 holding exactly the
 * leader's values, and its leader replicating to it again.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SnapshotAck, SnapshotChunk } from '../../proto/load';
import { PeerTestCluster, SnapshottingApp, waitFor } from './test-support';

const ids = [1, 2, 3];
const GROUPS = 2;
/** Padding in every snapshot: 6 MiB, so each is streamed in 7 chunks. */
const FILLER_BYTES = 6 * (1 << 20);
const root = mkdtempSync(join(tmpdir(), 'flotilla-snapfault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A TCP proxy to one address. drop(): destroy every open connection (both ends see the
 * connection die). stall(): stop forwarding on the open connections, holding what arrives;
 * resume(): deliver what was held and forward again. New connections are always forwarded.
 */
class Proxy {
  private readonly pairs = new Set<{ a: net.Socket; b: net.Socket; held: [net.Socket, Buffer][] }>();
  private stalled = false;
  drops = 0;

  private constructor(
    private readonly server: net.Server,
    readonly address: string,
  ) {}

  static async start(target: string): Promise<Proxy> {
    const [host, port] = target.split(':');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const proxy = new Proxy(server, `127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    server.on('connection', (a) => {
      const b = net.connect({ host, port: Number(port) });
      const pair = { a, b, held: [] as [net.Socket, Buffer][] };
      proxy.pairs.add(pair);
      const forward = (to: net.Socket) => (d: Buffer) => {
        if (proxy.stalled) pair.held.push([to, d]);
        else to.write(d);
      };
      a.on('data', forward(b));
      b.on('data', forward(a));
      const close = () => {
        proxy.pairs.delete(pair);
        a.destroy();
        b.destroy();
      };
      for (const s of [a, b]) {
        s.on('error', () => undefined);
        s.on('close', close);
      }
    });
    return proxy;
  }

  drop(): void {
    this.drops++;
    for (const { a, b } of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const pair of this.pairs) {
      for (const [to, d] of pair.held) to.write(d);
      pair.held = [];
    }
  }

  close(): Promise<void> {
    this.drop();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What node 3's SendSnapshot handler saw: chunks per call, and the acks it sent. */
interface Received {
  chunksPerCall: number[];
  acks: SnapshotAck[];
  /** Called on every chunk with the call's number and its chunk count so far. */
  onChunk?: (call: number, chunks: number) => void;
}

function instrument(server: grpc.Server, seen: Received): void {
  const addService = server.addService.bind(server);
  server.addService = (service, impl) => {
    const sendSnapshot = impl.sendSnapshot as grpc.handleClientStreamingCall<SnapshotChunk, SnapshotAck>;
    addService(service, {
      ...impl,
      sendSnapshot: (call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>, callback: grpc.sendUnaryData<SnapshotAck>) => {
        const n = seen.chunksPerCall.push(0) - 1;
        call.on('data', () => seen.onChunk?.(n, ++seen.chunksPerCall[n]));
        sendSnapshot(call, (err, ack) => {
          if (ack) seen.acks.push(ack);
          callback(err, ack);
        });
      },
    });
  };
}

const CHUNKS = Math.ceil((FILLER_BYTES + 100) / (1 << 20));

describe('snapshot transfers cut halfway, over real gRPC', () => {
  let cluster: PeerTestCluster<SnapshottingApp>;
  let proxy: Proxy;
  let real3 = '';
  let seen: Received;
  let dir = 0;

  /** Nodes 1 and 2 reach node 3 through the proxy; node 3 binds its real address. */
  async function setUp(): Promise<void> {
    seen = { chunksPerCall: [], acks: [] };
    cluster = new PeerTestCluster({
      ids,
      groups: GROUPS,
      root: join(root, String(++dir)),
      clusterId: 'snapfault',
      newApp: () => new SnapshottingApp(FILLER_BYTES),
      onServer: (id, server) => {
        if (id === 3) instrument(server, seen);
      },
    });
    await cluster.reserveAddresses();
    real3 = cluster.addresses.get(3)!;
    proxy = await Proxy.start(real3);
    await cluster.start(3);
    cluster.addresses.set(3, proxy.address);
    await cluster.start(1);
    await cluster.start(2);
  }

  async function restart3(): Promise<void> {
    cluster.addresses.set(3, real3);
    await cluster.start(3);
    cluster.addresses.set(3, proxy.address);
  }

  afterEach(async () => {
    proxy?.resume();
    await cluster?.stopAll();
    await proxy?.close();
  });

  const nodes = () => cluster.nodes;
  const appliedEverywhere = (who: number[], count: number) => who.every((id) => [...nodes().get(id)!.apps.values()].every((a) => a.values.length === count));
  const series = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

  /** Snapshot every group at its applied index and drop the log up to there. */
  function snapshotAndCompact(id: number): Promise<void> {
    const n = nodes().get(id)!;
    return new Promise((resolve) =>
      n.host.enqueueStoreWork({
        stage: (batch) => {
          for (let g = 1; g <= GROUPS; g++) {
            const app = n.apps.get(g)!;
            batch.createSnapshot(g, app.applied, n.host.node(g)!.status().conf, app.snapshotData());
            batch.compact(g, app.applied);
          }
          return true;
        },
        committed: () => resolve(),
      }),
    );
  }

  /** Round a on all, node 3 down during round b, both others compacted past node 3. */
  async function leaveNode3Behind(): Promise<void> {
    await cluster.propose('a', 20);
    await waitFor(() => appliedEverywhere(ids, 20), 'round a everywhere');
    await cluster.stop(3);
    await cluster.propose('b', 30);
    await waitFor(() => appliedEverywhere([1, 2], 50), 'round b on 1 and 2');
    await snapshotAndCompact(1);
    await snapshotAndCompact(2);
  }

  /** Node 3 holds what the others hold, installed only intact snapshots, and is replicated to again. */
  async function expectCaughtUpAndIdentical(): Promise<void> {
    await waitFor(() => appliedEverywhere([3], 50), 'node 3 caught up', 30_000);
    await cluster.propose('c', 5);
    await waitFor(() => appliedEverywhere(ids, 55), 'round c everywhere', 30_000);
    const want = [...series('a', 20), ...series('b', 30), ...series('c', 5)];
    for (let g = 1; g <= GROUPS; g++) {
      for (const id of ids) expect(nodes().get(id)!.apps.get(g)!.values).toEqual(want);
      const app3 = nodes().get(3)!.apps.get(g)!;
      expect(app3.corrupt).toBe(0);
      expect(app3.restored.length).toBeGreaterThanOrEqual(1);
      const leader = nodes().get(cluster.leaderOf(g)!)!;
      await waitFor(() => leader.host.node(g)!.status().progress!.find((p) => p.id === 3)!.state === 'replicate', `group ${g}'s leader replicating to node 3`);
    }
  }

  it('every connection to the follower dropped halfway through the transfer: the cut snapshot is discarded, a new one is sent and installed', async () => {
    await setUp();
    await leaveNode3Behind();
    // Cut once, when the first call has 2 of its chunks in.
    seen.onChunk = (call, chunks) => {
      if (call === 0 && chunks === 2 && proxy.drops === 0) proxy.drop();
    };
    await restart3();
    await expectCaughtUpAndIdentical();

    expect(proxy.drops).toBe(1);
    expect(seen.chunksPerCall[0]).toBeLessThan(CHUNKS); // the first transfer really was cut
    expect(seen.acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(GROUPS); // and then sent again, whole
    expect(seen.chunksPerCall.filter((c) => c === CHUNKS).length).toBeGreaterThanOrEqual(GROUPS);
  });

  it('a leader change while the transfer is stalled halfway: the new leader brings the follower up, the old leader\'s late snapshot does no harm', async () => {
    await setUp();
    await leaveNode3Behind();
    let stalledAt = -1;
    seen.onChunk = (call, chunks) => {
      if (stalledAt < 0 && chunks === 2) {
        stalledAt = call;
        proxy.stall();
      }
    };
    await restart3();
    await waitFor(() => stalledAt >= 0, 'a transfer to node 3 under way');
    // Every group's leader hands leadership to the other caught-up node while its transfer hangs.
    const before = new Map<number, number>();
    for (let g = 1; g <= GROUPS; g++) {
      const leader = cluster.leaderOf(g)!;
      before.set(g, leader);
      nodes().get(leader)!.host.withNode(g, (n) => n.transferLeadership(leader === 1 ? 2 : 1));
    }
    await waitFor(() => [...before].every(([g, old]) => cluster.leaderOf(g) !== undefined && cluster.leaderOf(g) !== old && cluster.leaderOf(g) !== 3), 'new leaders');
    // The held bytes now arrive: the old leader's transfer completes after it stepped down.
    proxy.resume();
    await expectCaughtUpAndIdentical();
    for (let g = 1; g <= GROUPS; g++) expect(cluster.leaderOf(g)).not.toBe(before.get(g));
  });

  it('a leader change while the transfer is stalled, then the stalled connections dropped: the new leader\'s snapshot gets through', async () => {
    await setUp();
    await leaveNode3Behind();
    let stalled = false;
    seen.onChunk = (_call, chunks) => {
      if (!stalled && chunks === 2) {
        stalled = true;
        proxy.stall();
      }
    };
    await restart3();
    await waitFor(() => stalled, 'a transfer to node 3 under way');
    const before = new Map<number, number>();
    for (let g = 1; g <= GROUPS; g++) {
      const leader = cluster.leaderOf(g)!;
      before.set(g, leader);
      nodes().get(leader)!.host.withNode(g, (n) => n.transferLeadership(leader === 1 ? 2 : 1));
    }
    await waitFor(() => [...before].every(([g, old]) => cluster.leaderOf(g) !== undefined && cluster.leaderOf(g) !== old && cluster.leaderOf(g) !== 3), 'new leaders');
    proxy.drop();
    proxy.resume();
    await expectCaughtUpAndIdentical();
  });
});
