import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppliedValues, PeerTestCluster, waitFor } from './test-support';

const ids = [1, 2, 3];
const GROUPS = 10;
const root = mkdtempSync(join(tmpdir(), 'flotilla-grpc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cluster = new PeerTestCluster({ ids, groups: GROUPS, root, clusterId: 'grpc', newApp: () => new AppliedValues() });
const nodes = cluster.nodes;

describe('Raft groups over real gRPC streams', () => {
  it('three nodes replicate every group over one batched stream per peer; a node that was down catches up', async () => {
    await cluster.reserveAddresses();
    for (const id of ids) await cluster.start(id);

    await cluster.propose('a', 20);
    await waitFor(() => [...nodes.values()].every((n) => [...n.apps.values()].every((a) => a.values.length === 20)), 'round one everywhere');

    await cluster.stop(2);
    await cluster.propose('b', 20);
    await waitFor(() => [1, 3].every((id) => [...nodes.get(id)!.apps.values()].every((a) => a.values.length === 40)), 'round two on 1 and 3');
    await cluster.start(2);
    await waitFor(() => [...nodes.get(2)!.apps.values()].every((a) => a.values.length === 40), 'node 2 caught up');

    const want = [...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)];
    for (let g = 1; g <= GROUPS; g++) for (const id of ids) expect(nodes.get(id)!.apps.get(g)!.values).toEqual(want);
    await cluster.stopAll();
  });
});
