import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { type FlotillaClient, loadFlotillaProto } from '../../proto/load';
import { Flotilla } from '../client';
import { FlotillaNode } from './node-server';
import type { NodeTuning } from './node-options';
import { waitFor } from './test-support';

export { waitFor };

/** Fast Raft timing for tests: elections in 200-400 ms. */
export const TEST_TUNING: Partial<NodeTuning> = { tickMs: 20, electionTicks: 10, heartbeatTicks: 1, balanceIntervalMs: 300, retentionIntervalMs: 200 };

/**
 * A cluster of nodes in this process (real gRPC on 127.0.0.x, real LevelDB in a temp folder),
 * for tests that need to look inside a node; cluster/e2e runs them as separate processes.
 */
export class InProcessCluster {
  readonly nodes = new Map<number, FlotillaNode>();
  readonly root = mkdtempSync(join(tmpdir(), 'flotilla-nodes-'));
  // Below the ephemeral range (32768 and up on Linux): a restarted node re-binds its port, which an
  // outgoing connection of any test could otherwise hold as its local port meanwhile.
  readonly port = 10_000 + Math.floor(Math.random() * 22_000);
  readonly client: Flotilla;

  constructor(
    readonly size: number,
    private readonly tuning: Partial<NodeTuning> = TEST_TUNING,
  ) {
    this.client = new Flotilla({ brokers: this.ids().map((id) => this.address(id)), requestTimeoutMs: 10_000 });
  }

  ids(): number[] {
    return Array.from({ length: this.size }, (_, k) => k + 1);
  }

  address(id: number): string {
    return `127.0.0.${id}:${this.port}`;
  }

  async start(id: number): Promise<FlotillaNode> {
    const node = await FlotillaNode.start({
      nodeId: id,
      dataDir: join(this.root, `node-${id}`),
      host: `127.0.0.${id}`,
      clientPort: this.port,
      peerPort: this.port + 100,
      advertisedAddress: this.address(id),
      peers: this.ids().map((p) => ({ id: p, address: `127.0.0.${p}:${this.port + 100}` })),
      tuning: this.tuning,
      log: () => undefined,
      onFatal: (e) => {
        throw e;
      },
    });
    this.nodes.set(id, node);
    return node;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.start(id)));
    await waitFor(async () => {
      const c = await this.client.admin().describeCluster();
      return c.controllerLeader !== 0 && c.nodes.length === this.size;
    }, 'the cluster to come up');
  }

  node(id: number): FlotillaNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`node ${id} is not running`);
    return n;
  }

  async stop(id: number): Promise<void> {
    await this.nodes.get(id)?.stop();
    this.nodes.delete(id);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
    for (const id of [...this.nodes.keys()]) await this.stop(id);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A raw gRPC client of one node, for answers the client library would retry or redirect. */
export function rawClient(address: string): FlotillaClient {
  const { Flotilla: Client } = loadFlotillaProto();
  return new Client(address, grpc.credentials.createInsecure());
}

/** One unary call on a raw client; rejects with the grpc.ServiceError. */
export function rawCall<T>(client: FlotillaClient, method: 'produce' | 'fetch' | 'listOffsets' | 'initProducer', req: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    (client[method] as unknown as (r: unknown, cb: (e: grpc.ServiceError | null, v?: unknown) => void) => void).call(client, req, (e, v) =>
      e ? reject(e) : resolve(v as T),
    );
  });
}
