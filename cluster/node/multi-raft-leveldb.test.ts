import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogStore } from '../../log-store';
import type { Entry, Message } from '../../raft';
import { MultiRaft } from './multi-raft';
import { hostStore } from './store-adapter';
import { AppliedValues, waitFor } from './test-support';

const ids = [1, 2, 3];
const GROUPS = 20;
const root = mkdtempSync(join(tmpdir(), 'flotilla-mr-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Node {
  host: MultiRaft;
  store: LogStore;
  apps: Map<number, AppliedValues>;
}

const nodes = new Map<number, Node>();

async function startNode(id: number): Promise<Node> {
  const store = await LogStore.open(join(root, `n${id}`), { clusterId: 'it', nodeId: id, cacheBytes: 256 * 1024 });
  const queue: Array<{ group: number; m: Message }> = [];
  const host = new MultiRaft({
    nodeId: id,
    store: hostStore(store),
    tickMs: 10,
    electionTicks: 10,
    heartbeatTicks: 2,
    transport: {
      send: (group, m) => queue.push({ group, m }),
      flush: () => {
        const batch = queue.splice(0);
        setImmediate(() => {
          for (const { group, m } of batch) nodes.get(m.to)?.host.step(group, m);
        });
      },
    },
  });
  store.onEntriesLoaded = (g) => host.entriesLoaded(g);
  const apps = new Map<number, AppliedValues>();
  for (let g = 1; g <= GROUPS; g++) {
    const app = new AppliedValues();
    apps.set(g, app);
    host.addGroup(g, { voters: ids, learners: [] }, app);
  }
  host.start();
  const node = { host, store, apps };
  nodes.set(id, node);
  return node;
}

async function stopNode(id: number): Promise<void> {
  const n = nodes.get(id)!;
  nodes.delete(id);
  await n.host.stop();
  await n.store.close();
}

const leaderOf = (g: number) => [...nodes.entries()].find(([, n]) => n.host.node(g)?.status().role === 'leader')?.[0];

async function proposeEverywhere(prefix: string, count: number): Promise<void> {
  for (let g = 1; g <= GROUPS; g++) {
    await waitFor(() => leaderOf(g) !== undefined, `a leader for group ${g}`);
    const leader = nodes.get(leaderOf(g)!)!;
    for (let i = 0; i < count; i++) leader.host.withNode(g, (n) => n.propose(Buffer.from(`${prefix}${i}`)));
  }
}

describe('multi-Raft over LevelDB', () => {
  it('replicates many groups through real stores, and a node restarted from its disk catches up to identical logs', async () => {
    for (const id of ids) await startNode(id);
    await proposeEverywhere('a', 10);
    await waitFor(() => [...nodes.values()].every((n) => [...n.apps.values()].every((a) => a.values.length === 10)), 'first round applied');

    // Stop node 3, keep writing, restart it from its LevelDB.
    await stopNode(3);
    await proposeEverywhere('b', 10);
    await waitFor(() => [1, 2].every((id) => [...nodes.get(id)!.apps.values()].every((a) => a.values.length === 20)), 'second round on 1 and 2');
    const restarted = await startNode(3);
    await waitFor(() => [...restarted.apps.values()].every((a) => a.values.length === 20), 'node 3 caught up');

    const want = [...Array.from({ length: 10 }, (_, i) => `a${i}`), ...Array.from({ length: 10 }, (_, i) => `b${i}`)];
    for (let g = 1; g <= GROUPS; g++) {
      for (const id of ids) expect(nodes.get(id)!.apps.get(g)!.values).toEqual(want);
      // Identical logs, entry for entry, on every node's disk.
      const logs = await Promise.all(ids.map(async (id) => {
        const s = nodes.get(id)!.store.group(g)!;
        const entries = await s.readEntries(s.firstIndex(), s.lastIndex() + 1, Infinity);
        return entries.map((e) => `${e.index}:${e.term}:${Buffer.from(e.data).toString()}`);
      }));
      const commit = Math.min(...ids.map((id) => nodes.get(id)!.host.node(g)!.status().commit));
      for (const log of logs) expect(log.slice(0, commit)).toEqual(logs[0].slice(0, commit));
    }
    for (const id of ids) await stopNode(id);
  });
});
