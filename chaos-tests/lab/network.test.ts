import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToxiproxyServer } from '../toxiproxy/server';
import { LabNetwork } from './network';

let server: ToxiproxyServer;
let toxiproxy: Toxiproxy;
const ids = [1, 2, 3];

beforeAll(async () => {
  server = await ToxiproxyServer.start({ port: 0 });
  toxiproxy = new Toxiproxy(server.url);
  // docker-compose.yml's layout: a proxy per directed peer link (the upstreams need not listen here).
  for (const i of ids) for (const j of ids) if (i !== j) await toxiproxy.createProxy({ name: `node${i}_to_node${j}`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${7100 + j}` });
  await toxiproxy.createProxy({ name: 'client_to_node1', listen: '127.0.0.1:0', upstream: '127.0.0.1:7001' });
});
afterAll(() => server.close());

async function state() {
  const out: Record<string, { enabled: boolean; toxics: string[] }> = {};
  for (const [name, p] of Object.entries(await toxiproxy.getAll())) {
    const toxics = (await (await fetch(`${server.url}/proxies/${name}/toxics`)).json()) as Array<{ name: string }>;
    out[name] = { enabled: p.enabled, toxics: toxics.map((t) => t.name).sort() };
  }
  return out;
}

describe('the lab network (through the Toxiproxy API)', () => {
  it('finds the proxies of an attached cluster, and names the missing ones', async () => {
    await new LabNetwork(server.url, ids).verify(false);
    await expect(new LabNetwork(server.url, ids).verify(true)).rejects.toThrow(/has no proxy client_to_node2, client_to_node3: client-cut-leader needs one per node, named client_to_nodeI/);
    await expect(new LabNetwork(server.url, [1, 2, 3, 4]).verify(false)).rejects.toThrow(/has no proxy node1_to_node4, node2_to_node4, node3_to_node4, node4_to_node1 \(and 2 more\)/);
  });

  it('cuts exactly the links between groups, and heals exactly what it did', async () => {
    const net = new LabNetwork(server.url, ids);
    const minority = new Set([2]);
    const links = net.linksCutBy((a, b) => minority.has(a) === minority.has(b));
    expect(links).toEqual([[1, 2], [2, 1], [2, 3], [3, 2]]);
    await net.cut(links);
    await net.cutClients(1);
    let s = await state();
    expect(Object.entries(s).filter(([, v]) => !v.enabled).map(([k]) => k).sort()).toEqual(['client_to_node1', 'node1_to_node2', 'node2_to_node1', 'node2_to_node3', 'node3_to_node2']);
    await net.heal();
    s = await state();
    expect(Object.values(s).every((v) => v.enabled && v.toxics.length === 0)).toBe(true);
  });

  it('adds blackholes, latency and bandwidth as toxics, and healAll removes the lab\'s toxics only', async () => {
    const net = new LabNetwork(server.url, ids);
    await net.blackhole([[1, 3]]);
    await net.slow(40, 20);
    await net.thin(64);
    await (await toxiproxy.get('node2_to_node1')).addToxic({ name: 'someone_elses', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } });
    await (await toxiproxy.get('node3_to_node1')).update({ enabled: false, listen: (await toxiproxy.get('node3_to_node1')).listen, upstream: '127.0.0.1:7101' });
    let s = await state();
    expect(s.node1_to_node3.toxics).toEqual(['lab_bandwidth_down', 'lab_bandwidth_up', 'lab_blackhole', 'lab_latency_down', 'lab_latency_up']);
    expect(s.node2_to_node1.toxics).toEqual(['lab_bandwidth_down', 'lab_bandwidth_up', 'lab_latency_down', 'lab_latency_up', 'someone_elses']);
    // A fresh LabNetwork remembers nothing: healAll still heals the whole layout (an interrupted run).
    await new LabNetwork(server.url, ids).healAll();
    s = await state();
    expect(s.node2_to_node1.toxics).toEqual(['someone_elses']);
    expect(Object.entries(s).filter(([k]) => k !== 'node2_to_node1').every(([, v]) => v.enabled && v.toxics.length === 0)).toBe(true);
  });
});
