import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPeerProto } from '../../proto/load';
import { guardAgainstLostDisk } from './lost-disk-guard';
import type { NodeOptions } from './node-options';

const root = mkdtempSync(join(tmpdir(), 'flotilla-guard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function options(nodeId: number, ports: number[], dataDir = join(root, `n${nodeId}-${Math.random()}`)): NodeOptions {
  return {
    nodeId,
    dataDir,
    host: '127.0.0.1',
    clientPort: 1,
    peerPort: ports[nodeId - 1],
    advertisedAddress: '127.0.0.1:1',
    peers: ports.map((p, i) => ({ id: i + 1, address: `127.0.0.1:${p}` })),
  };
}

/** A running node's answer to MemberStatus, as the real peer service gives it (`fresh`: it has applied no metadata yet). */
async function peerThatKnows(port: number, registered: boolean, fresh = false): Promise<grpc.Server> {
  const server = new grpc.Server();
  server.addService(loadPeerProto().Peer.service, {
    memberStatus: (call: grpc.ServerUnaryCall<{ node: number }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, { clusterId: fresh ? '' : 'flotilla-test', registered, peerAddress: registered ? `127.0.0.1:${port}` : '', fresh }),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return server;
}

const settled = <T>(p: Promise<T>) => p.then(() => 'resolved', (e: unknown) => e);

describe('a node starting on a new data directory', () => {
  it('finds it lost its data (naming who knows it, and the cluster) when a peer knows it as a registered member', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const known = await peerThatKnows(ports[1], true);
    const lines: string[] = [];
    try {
      const verdict = await guardAgainstLostDisk(options(1, ports), (l) => lines.push(l), 200);
      expect(verdict).toEqual({ kind: 'lost', clusterId: 'flotilla-test', knownBy: 2, peerAddress: `127.0.0.1:${ports[1]}` });
      expect(lines.join('\n')).toMatch(/its data directory .* is new, but node 2 knows node 1 as a registered member of cluster flotilla-test .*: this node lost its data; it rejoins through a resync/);
    } finally {
      known.forceShutdown();
    }
  });

  it('waits while fewer than a majority have answered, and starts once a majority says it is not a member', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const lines: string[] = [];
    const first = guardAgainstLostDisk(options(1, ports), (l) => lines.push(l), 200);
    let state: unknown = 'pending';
    void settled(first).then((s) => (state = s));
    await new Promise((r) => setTimeout(r, 1000));
    expect(state).toBe('pending'); // alone: 1 of 3 is no majority
    expect(lines.join('\n')).toMatch(/waiting for a majority of the peers \(2 of 3, this node included\)/);
    // A second new node: the first answers it "fresh", and two of three are a majority.
    await expect(guardAgainstLostDisk(options(2, ports), () => undefined, 200)).resolves.toEqual({ kind: 'new' });
    // The second now runs its real peer service: with no metadata applied yet (no leader without
    // the first's vote), it answers "fresh" too, and the first goes on.
    const secondRunning = await peerThatKnows(ports[1], false, true);
    try {
      await expect(first).resolves.toEqual({ kind: 'new' });
    } finally {
      secondRunning.forceShutdown();
    }
  });

  it('asks nobody when its data directory already holds a store, or it is a single-node cluster', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const dir = join(root, 'existing');
    mkdirSync(join(dir, 'store'), { recursive: true });
    await expect(guardAgainstLostDisk(options(1, ports, dir), () => undefined, 200)).resolves.toEqual({ kind: 'existing' });
    await expect(guardAgainstLostDisk({ ...options(1, ports), peers: [{ id: 1, address: `127.0.0.1:${ports[0]}` }] }, () => undefined, 200)).resolves.toEqual({ kind: 'new' });
  });

  it('goes on when a running peer that caught up does not know it (a node added to a running cluster)', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const running = await peerThatKnows(ports[2], false);
    try {
      await expect(guardAgainstLostDisk(options(1, ports), () => undefined, 200)).resolves.toEqual({ kind: 'new' });
    } finally {
      running.forceShutdown();
    }
  });
});
