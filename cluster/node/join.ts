import { PeerCalls } from '../transport';
import type { NodeOptions } from './node-options';

/** What a node joining a running cluster learns from the node it was pointed at. */
export interface JoinTarget {
  readonly clusterId: string;
  /** Every registered node and its peer address, plus the joining node itself. */
  readonly peers: Array<{ id: number; address: string }>;
}

/**
 * Asks the node at `options.join` (a peer address) for the cluster's members until it answers
 * from caught-up metadata: the cluster id and every registered node's peer address. The joining
 * node then starts as a new member (guarded as any node on a new directory) that the metadata
 * group's leader adds as a learner of the metadata; it gets partition replicas only when asked
 * (partition reassign), or when new topics are created.
 */
export async function discoverCluster(options: NodeOptions, log: (line: string) => void, timeoutMs = 120_000): Promise<JoinTarget> {
  const address = options.join!;
  const self = options.peers.find((p) => p.id === options.nodeId);
  if (!self) throw new Error(`node ${options.nodeId} is not among its own peers`);
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  let lastLog = 0;
  for (;;) {
    const calls = new PeerCalls();
    try {
      const r = await calls.memberStatus(address, options.nodeId, Date.now() + 2000);
      if (r.clusterId === '' || r.fresh) throw new Error(`the node at ${address} is not part of a running cluster yet`);
      const peers = r.peers.filter((p) => p.id !== options.nodeId).map((p) => ({ id: p.id, address: p.peerAddress }));
      log(`node ${options.nodeId}: joining cluster ${r.clusterId} through ${address}: its nodes are ${peers.map((p) => `${p.id}=${p.address}`).join(', ')}`);
      return { clusterId: r.clusterId, peers: [...peers, self] };
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    } finally {
      calls.close();
    }
    if (Date.now() >= deadline) throw new Error(`node ${options.nodeId} cannot join through ${address}: ${lastError}`);
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(`node ${options.nodeId}: waiting for the node at ${address} to answer (${lastError})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
