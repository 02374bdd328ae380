/**
 * Metadata reads and readiness with real processes: a node restarted from its data dir never
 * lists fewer topics than existed (it may answer a retriable error while it catches up), and a
 * topic created the moment a fresh cluster's processes listen is created, not refused because
 * the other nodes have not registered yet.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ListTopicsResponse } from '../../proto/load';
import { ProcessCluster, rawCall, sleep } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('metadata reads and readiness (real processes)', () => {
  let cluster: ProcessCluster | undefined;

  afterEach(async () => {
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('a fresh 3-node cluster creates a topic asked for the moment its processes listen', async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'meta-fresh', readyTimeoutMs: 0 });
    cluster.dumpLogsOnFailure();
    const admin = cluster.client({ retry: { retries: 0 } }).admin();
    const t = await admin.createTopic({ name: 'first', partitions: 3, replicationFactor: 3 });
    expect(t.partitions).toHaveLength(3);
    expect(t.partitions.every((p) => p.replicas.length === 3)).toBe(true);
  });

  it('a restarted node never lists fewer topics than existed (20 restarts, listed at once through that node)', async () => {
    // Nodes 1-3 vote in the metadata group, node 4 follows it as a learner. Each round restarts a
    // voter and the learner together (a quorum of voters stays up), to keep the test short.
    cluster = await ProcessCluster.start({ nodes: 4, name: 'meta-restart' });
    cluster.dumpLogsOnFailure();
    const c = cluster;
    const names = Array.from({ length: 7 }, (_, i) => `kept-${i}`);
    const admin = c.client().admin();
    for (const name of names) await admin.createTopic({ name, partitions: 1, replicationFactor: 3 });

    const restartThenList = async (round: number, id: number, signal: NodeJS.Signals) => {
      await c.kill(id, signal);
      await c.restart(id); // returns once the node listens for clients
      const client = c.rawClient(id);
      const until = Date.now() + 30_000;
      for (;;) {
        try {
          const listed = await rawCall<ListTopicsResponse>(client, 'listTopics', {}, 5000);
          expect(listed.topics.map((t) => t.name).sort(), `round ${round}: topics listed by node ${id} right after its restart`).toEqual(names);
          return;
        } catch (e) {
          const s = e as grpc.ServiceError;
          // A retriable error is allowed (the node is catching up); an answer with fewer topics is not.
          if (s.code !== grpc.status.UNAVAILABLE && s.code !== grpc.status.DEADLINE_EXCEEDED) throw e;
          if (Date.now() > until) throw new Error(`round ${round}: node ${id} gave no list within 30 s of its restart (last: ${s.message})`);
          await sleep(50);
        }
      }
    };
    for (let round = 0; round < 10; round++) {
      const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      await Promise.all([restartThenList(round, 1 + (round % 3), signal), restartThenList(round, 4, signal)]);
    }
  });
});
