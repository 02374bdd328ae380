/**
 * The lab attached to a cluster it did not start (`--brokers`, `--toxiproxy`): here a real
 * 3-node cluster whose proxies have docker-compose.yml's names, on an in-process Toxiproxy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startLabCluster } from './cluster';
import { runLab } from './run';
import { parseNemeses } from './schedule';
import { ToxiproxyServer } from '../toxiproxy/server';

it('attached to a running cluster through its Toxiproxy, the lab runs network faults and checks them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-chaos-attach-'));
  const server = await ToxiproxyServer.start({ port: 0 });
  const start = performance.now();
  const cluster = await startLabCluster({ nodes: 3, runDir: join(dir, 'cluster'), toxiproxyUrl: server.url, tickMs: 50, electionTicks: 10, now: () => performance.now() - start, proxyPrefix: '' });
  const lines: string[] = [];
  try {
    const { results } = await runLab({
      seed: 9,
      nemeses: parseNemeses('isolate-leader,split,one-way,client-cut-leader'),
      timeMs: 24_000,
      nodes: 3,
      partitions: 2,
      writersPerPartition: 1,
      holdMs: [2000, 3000],
      gapMs: [1500, 2000],
      outDir: join(dir, 'run'),
      brokers: cluster.brokers,
      toxiproxyUrl: server.url,
      tickMs: 50,
      electionTicks: 10,
      thinkMs: 5,
      livenessBoundMs: 30_000,
      keepData: false,
      reproduce: 'npx flotilla chaos ...',
      log: (l) => lines.push(l),
      progressEveryMs: 5000,
    });
    if (!results.ok) console.error(lines.join('\n'), JSON.stringify(results.verdicts, null, 1));
    expect(results.verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(results.options).toMatchObject({ attached: true, topic: expect.stringMatching(/^chaos-9-\d+$/) });
    expect(new Set(results.faults.map((f) => f.kind))).toEqual(new Set(['isolate-leader', 'split', 'one-way', 'client-cut-leader']));
    expect(results.files.nodeLogs).toEqual([]);
    // Every proxy is healed after the run: the cluster is left as it was found.
    const proxies = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { enabled: boolean; toxics: unknown[] }>;
    expect(Object.keys(proxies).sort()).toEqual(['client_to_node1', 'client_to_node2', 'client_to_node3', 'node1_to_node2', 'node1_to_node3', 'node2_to_node1', 'node2_to_node3', 'node3_to_node1', 'node3_to_node2']);
    expect(Object.values(proxies).every((p) => p.enabled && p.toxics.length === 0)).toBe(true);
  } finally {
    await cluster.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);
