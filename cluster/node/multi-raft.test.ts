import { describe, expect, it } from 'vitest';
import { type ConfState, MemoryStorage, type Message, type Ready, type Snapshot } from '../../raft';
import { type HostBatch, type HostGroupStorage, type HostStore, MultiRaft, type Transport } from './multi-raft';
import { AppliedValues, waitFor } from './test-support';

/** An in-memory store that records every batch, to check group commit and persist-before-send. */
class RecordingStore implements HostStore {
  readonly groups = new Map<number, MemoryStorage & HostGroupStorage>();
  readonly batches: Array<{ groups: number; sync: boolean }> = [];
  /** Highest index durably stored per group, for the persist-before-send check. */
  readonly durable = new Map<number, number>();

  openGroup(group: number, conf: ConfState): HostGroupStorage {
    let s = this.groups.get(group);
    if (!s) {
      s = Object.assign(new MemoryStorage(conf), { latestSnapshot: (): Snapshot | undefined => undefined });
      this.groups.set(group, s);
    }
    return s;
  }

  beginBatch(): HostBatch {
    const staged: Array<{ group: number; rd: Ready }> = [];
    return {
      stage: (group, rd) => staged.push({ group, rd }),
      createSnapshot: () => {
        throw new Error('this fake store keeps no snapshots');
      },
      compact: () => {
        throw new Error('this fake store does not compact');
      },
      rewrite: () => {
        throw new Error('this fake store does not rewrite');
      },
      commit: async (sync) => {
        await new Promise((r) => setImmediate(r));
        for (const { group, rd } of staged) {
          const s = this.groups.get(group)!;
          s.append(rd.entries);
          if (rd.hardState) s.setHardState(rd.hardState);
          this.durable.set(group, s.lastIndex());
        }
        this.batches.push({ groups: staged.length, sync });
      },
    };
  }

  async dropGroup(group: number): Promise<void> {
    this.groups.delete(group);
  }
}

describe('multi-raft host', () => {
  it('runs many groups over one store batch per cycle, and never sends an append before its entries are durable', async () => {
    const ids = [1, 2, 3];
    const stores = new Map(ids.map((id) => [id, new RecordingStore()]));
    const hosts = new Map<number, MultiRaft>();
    const violations: string[] = [];
    const transportFor = (from: number): Transport => {
      const queue: Array<{ group: number; m: Message }> = [];
      return {
        send: (group, m) => {
          // Persist before send: an append carrying entries up to i leaves only once i is durable here.
          if (m.type === 'append' && m.entries.length > 0) {
            const last = m.entries[m.entries.length - 1].index;
            if ((stores.get(from)!.durable.get(group) ?? 0) < last) violations.push(`node ${from} group ${group} sent ${last} early`);
          }
          queue.push({ group, m });
        },
        flush: () => {
          const batch = queue.splice(0);
          setImmediate(() => {
            for (const { group, m } of batch) hosts.get(m.to)?.step(group, m);
          });
        },
      };
    };
    const groups = 50;
    const apps = new Map<string, AppliedValues>();
    for (const id of ids) {
      const host = new MultiRaft({ nodeId: id, store: stores.get(id)!, transport: transportFor(id), tickMs: 5, electionTicks: 10, heartbeatTicks: 2 });
      hosts.set(id, host);
      for (let g = 1; g <= groups; g++) {
        const app = new AppliedValues();
        apps.set(`${id}/${g}`, app);
        host.addGroup(g, { voters: ids, learners: [] }, app);
      }
      host.start();
    }
    try {
      const leaderOf = (g: number) => ids.find((id) => hosts.get(id)!.node(g)!.status().role === 'leader');
      await waitFor(() => Array.from({ length: groups }, (_, i) => leaderOf(i + 1)).every((l) => l !== undefined), 'a leader in every group');
      for (let g = 1; g <= groups; g++) {
        const leader = leaderOf(g)!;
        hosts.get(leader)!.withNode(g, (n) => n.propose(new TextEncoder().encode(`g${g}`)));
      }
      await waitFor(() => ids.every((id) => Array.from({ length: groups }, (_, i) => apps.get(`${id}/${i + 1}`)!.values).every((v) => v.length === 1)), 'every proposal applied everywhere');
      for (let g = 1; g <= groups; g++) for (const id of ids) expect(apps.get(`${id}/${g}`)!.values).toEqual([`g${g}`]);
      expect(violations).toEqual([]);
      // Group commit: batches carried many groups at once.
      const store = stores.get(1)!;
      const writes = store.batches.reduce((n, b) => n + b.groups, 0);
      expect(store.batches.length).toBeLessThan(writes / 2);
      expect(Math.max(...store.batches.map((b) => b.groups))).toBeGreaterThanOrEqual(groups / 2);
    } finally {
      for (const h of hosts.values()) await h.stop();
    }
  });
});

