import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { LogStore } from '../../log-store';
import type { Entry, Snapshot } from '../../raft';
import { type GroupStateMachine, MultiRaft } from './multi-raft';
import { addPeerService, peerTransport, type PeerTransport } from '../transport';
import { hostStore } from './store-adapter';

/** A group state machine for tests: the data of every applied normal entry, as strings. */
export class AppliedValues implements GroupStateMachine {
  values: string[] = [];
  restore(): void {
    this.values = [];
  }
  apply(entries: readonly Entry[]): void {
    for (const e of entries) if (e.data.length > 0 && e.type === 0) this.values.push(Buffer.from(e.data).toString());
  }
}

/**
 * A group state machine with snapshots for transfer tests: the applied values as JSON after a u32
 * length, `fillerBytes` of pseudo-random filler (so a snapshot streams in several chunks), and a
 * sha256 of all that, so a half-installed or mixed snapshot is caught (`corrupt`, never restored).
 */
export class SnapshottingApp implements GroupStateMachine {
  values: string[] = [];
  applied = 0;
  /** Sizes of the snapshots restored. */
  restored: number[] = [];
  /** Snapshots that failed their checksum (must stay 0). */
  corrupt = 0;

  constructor(private readonly fillerBytes: number) {}

  restore(snapshot: Snapshot): void {
    const data = Buffer.from(snapshot.data);
    const body = data.subarray(0, data.length - 32);
    if (!createHash('sha256').update(body).digest().equals(data.subarray(data.length - 32))) {
      this.corrupt++;
      return;
    }
    const jsonBytes = body.readUInt32BE(0);
    this.values = JSON.parse(body.subarray(4, 4 + jsonBytes).toString()) as string[];
    this.applied = snapshot.metadata.index;
    this.restored.push(data.length);
  }

  apply(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.data.length > 0 && e.type === 0) this.values.push(Buffer.from(e.data).toString());
      this.applied = e.index;
    }
  }

  snapshotData(): Buffer {
    const json = Buffer.from(JSON.stringify(this.values));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(json.length);
    const filler = Buffer.alloc(this.fillerBytes);
    for (let i = 0; i + 4 <= this.fillerBytes; i += 4) filler.writeUInt32BE(Math.imul(i + this.applied, 2654435761) >>> 0, i);
    const body = Buffer.concat([head, json, filler]);
    return Buffer.concat([body, createHash('sha256').update(body).digest()]);
  }
}

/** Polls `check` until it returns true (a throw counts as false), or fails naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface PeerTestNode<A extends GroupStateMachine> {
  server: grpc.Server;
  host: MultiRaft;
  store: LogStore;
  transport: PeerTransport;
  apps: Map<number, A>;
}

export interface PeerTestClusterOptions<A extends GroupStateMachine> {
  ids: number[];
  groups: number;
  /** Parent folder of the nodes' stores. */
  root: string;
  clusterId: string;
  newApp: () => A;
  /** Called with each node's Peer server before the service is added (to instrument it). */
  onServer?: (id: number, server: grpc.Server) => void;
}

function bindPort(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

/** Nodes of MultiRaft hosts over LevelDB and the real gRPC Peer service, each running the same groups. */
export class PeerTestCluster<A extends GroupStateMachine> {
  readonly nodes = new Map<number, PeerTestNode<A>>();
  readonly addresses = new Map<number, string>();

  constructor(private readonly opts: PeerTestClusterOptions<A>) {}

  /** Reserve a port per node first, so each node knows the others' addresses. */
  async reserveAddresses(): Promise<void> {
    for (const id of this.opts.ids) {
      const s = new grpc.Server();
      const port = await bindPort(s, '127.0.0.1:0');
      s.forceShutdown();
      this.addresses.set(id, `127.0.0.1:${port}`);
    }
  }

  async start(id: number): Promise<PeerTestNode<A>> {
    const { ids, groups, root, clusterId, newApp, onServer } = this.opts;
    const store = await LogStore.open(join(root, `n${id}`), { clusterId, nodeId: id });
    let host: MultiRaft | undefined;
    const server = new grpc.Server();
    onServer?.(id, server);
    addPeerService(server, () => host);
    const port = await bindPort(server, this.addresses.get(id) ?? '127.0.0.1:0');
    this.addresses.set(id, `127.0.0.1:${port}`);
    const transport = peerTransport(id, this.addresses, () => host);
    host = new MultiRaft({ nodeId: id, store: hostStore(store), transport, tickMs: 20, electionTicks: 10, heartbeatTicks: 2 });
    store.onEntriesLoaded = (g) => host!.entriesLoaded(g);
    const apps = new Map<number, A>();
    for (let g = 1; g <= groups; g++) {
      const app = newApp();
      apps.set(g, app);
      host.addGroup(g, { voters: ids, learners: [] }, app);
    }
    const node = { server, store, transport, host, apps };
    this.nodes.set(id, node);
    host.start();
    return node;
  }

  async stop(id: number): Promise<void> {
    const n = this.nodes.get(id)!;
    this.nodes.delete(id);
    n.server.forceShutdown();
    n.transport.close();
    await n.host.stop();
    await n.store.close();
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.nodes.keys()]) await this.stop(id);
  }

  leaderOf(g: number): number | undefined {
    return [...this.nodes.entries()].find(([, n]) => n.host.node(g)?.status().role === 'leader')?.[0];
  }

  /** `count` values `${prefix}${i}` proposed to every group's leader. */
  async propose(prefix: string, count: number): Promise<void> {
    for (let g = 1; g <= this.opts.groups; g++) {
      await waitFor(() => this.leaderOf(g) !== undefined, `a leader for group ${g}`);
      const leader = this.nodes.get(this.leaderOf(g)!)!;
      for (let i = 0; i < count; i++) leader.host.withNode(g, (n) => n.propose(Buffer.from(`${prefix}${i}`)));
    }
  }
}
