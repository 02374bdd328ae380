import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogStore } from '../../log-store';
import { MultiRaft } from './multi-raft';
import { addPeerService, peerTransport } from './peer-server';
import type { PeerTransport } from './peer-transport';
import { hostStore } from './store-adapter';
import { AppliedValues, waitFor } from './test-support';

const ids = [1, 2, 3];
const GROUPS = 10;
const root = mkdtempSync(join(tmpdir(), 'flotilla-grpc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Node {
  server: grpc.Server;
  host: MultiRaft;
  store: LogStore;
  transport: PeerTransport;
  apps: Map<number, AppliedValues>;
}
const nodes = new Map<number, Node>();
const addresses = new Map<number, string>();

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

async function startNode(id: number): Promise<void> {
  const store = await LogStore.open(join(root, `n${id}`), { clusterId: 'grpc', nodeId: id });
  let host: MultiRaft | undefined;
  const server = new grpc.Server();
  addPeerService(server, () => host);
  const port = await bind(server, addresses.get(id) ?? '127.0.0.1:0');
  addresses.set(id, `127.0.0.1:${port}`);
  const transport = peerTransport(id, addresses, () => host);
  host = new MultiRaft({ nodeId: id, store: hostStore(store), transport, tickMs: 20, electionTicks: 10, heartbeatTicks: 2 });
  store.onEntriesLoaded = (g) => host!.entriesLoaded(g);
  const apps = new Map<number, AppliedValues>();
  for (let g = 1; g <= GROUPS; g++) {
    const app = new AppliedValues();
    apps.set(g, app);
    host.addGroup(g, { voters: ids, learners: [] }, app);
  }
  nodes.set(id, { server, store, transport, host, apps });
  host.start();
}

async function stopNode(id: number): Promise<void> {
  const n = nodes.get(id)!;
  nodes.delete(id);
  n.server.forceShutdown();
  n.transport.close();
  await n.host.stop();
  await n.store.close();
}

const leaderOf = (g: number) => [...nodes.entries()].find(([, n]) => n.host.node(g)?.status().role === 'leader')?.[0];

async function propose(prefix: string, count: number): Promise<void> {
  for (let g = 1; g <= GROUPS; g++) {
    await waitFor(() => leaderOf(g) !== undefined, `a leader for group ${g}`);
    const leader = nodes.get(leaderOf(g)!)!;
    for (let i = 0; i < count; i++) leader.host.withNode(g, (n) => n.propose(Buffer.from(`${prefix}${i}`)));
  }
}

describe('Raft groups over real gRPC streams', () => {
  it('three nodes replicate every group over one batched stream per peer; a node that was down catches up', async () => {
    // Reserve a port per node first so each node knows the others' addresses.
    const servers = await Promise.all(ids.map(async (id) => {
      const s = new grpc.Server();
      const port = await bind(s, '127.0.0.1:0');
      s.forceShutdown();
      return [id, `127.0.0.1:${port}`] as const;
    }));
    for (const [id, a] of servers) addresses.set(id, a);
    for (const id of ids) await startNode(id);

    await propose('a', 20);
    await waitFor(() => [...nodes.values()].every((n) => [...n.apps.values()].every((a) => a.values.length === 20)), 'round one everywhere');

    await stopNode(2);
    await propose('b', 20);
    await waitFor(() => [1, 3].every((id) => [...nodes.get(id)!.apps.values()].every((a) => a.values.length === 40)), 'round two on 1 and 3');
    await startNode(2);
    await waitFor(() => [...nodes.get(2)!.apps.values()].every((a) => a.values.length === 40), 'node 2 caught up');

    const want = [...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)];
    for (let g = 1; g <= GROUPS; g++) for (const id of ids) expect(nodes.get(id)!.apps.get(g)!.values).toEqual(want);
    for (const id of [...nodes.keys()]) await stopNode(id);
  });
});
