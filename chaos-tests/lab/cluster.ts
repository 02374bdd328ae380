/**
 * The cluster under test: the lab's own (real `flotilla start` processes on 127.0.0.1, every
 * peer link I->J and every client connection to a node through its own proxy), or one the lab
 * attaches to (`--brokers` and `--toxiproxy`, the docker-compose.yml layout), where only network
 * faults are possible.
 */
import { mkdir, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { Flotilla } from '../../cluster/client/index';
import { openToxiproxy, type ToxiproxyHandle } from './toxiproxy-handle';
import { LabNetwork } from './network';
import { type LabNodeSpec, NodeProcesses, NodeStartError } from './processes';

export interface ClusterUnderTest {
  readonly nodeIds: number[];
  /** Where clients connect (in the lab's own cluster, the client proxies). */
  readonly brokers: string[];
  readonly network: LabNetwork;
  /** Whether clients reach nodes through `client_to_nodeI` proxies (the client-cut fault needs them). */
  readonly clientsProxied: boolean;
  /** The node processes, when the lab runs them (process, storage and clock faults need them). */
  readonly processes?: NodeProcesses;
  /** Raft timing of the nodes, as far as the lab knows it (its own nodes: what it gave them). */
  readonly tickMs: number;
  readonly electionTicks: number;
  close(): Promise<void>;
}

export interface LabClusterOptions {
  nodes: number;
  runDir: string;
  /** A Toxiproxy to use (else TOXIPROXY_URL's, else the in-process fault proxy). It must run on this host. */
  toxiproxyUrl?: string;
  tickMs: number;
  electionTicks: number;
  now: () => number;
  readyTimeoutMs?: number;
  /** Prepended to the proxies' names (default: one per run, so a shared Toxiproxy can hold several labs); '' gives docker-compose.yml's names. */
  proxyPrefix?: string;
}

/** Starts the lab's own cluster and waits until every node is registered and a controller leads. */
export async function startLabCluster(o: LabClusterOptions): Promise<ClusterUnderTest> {
  // A port checked free can still be taken before the node binds it (other programs on this
  // host): then the whole cluster starts again on other ports, from empty data directories.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLabClusterOnce(o);
    } catch (error) {
      const portTaken = error instanceof NodeStartError && error.lastLines.some((l) => /cannot listen on .*(EADDRINUSE|address already in use|No address added)/i.test(l));
      if (!portTaken || attempt >= 3) throw error;
      for (let id = 1; id <= o.nodes; id++) await rm(join(o.runDir, `node-${id}`), { recursive: true, force: true });
    }
  }
}

async function startLabClusterOnce(o: LabClusterOptions): Promise<ClusterUnderTest> {
  const handle: ToxiproxyHandle = o.toxiproxyUrl
    ? { url: o.toxiproxyUrl.replace(/\/+$/, ''), external: true, close: async () => undefined }
    : await openToxiproxy();
  const ids = Array.from({ length: o.nodes }, (_, k) => k + 1);
  // Proxy names are per run, so a shared Toxiproxy can hold several labs (and the compose layout).
  const network = new LabNetwork(handle.url, ids, o.proxyPrefix ?? `lab${process.pid}x${Date.now() % 100000}_`);
  const toxiproxy = new Toxiproxy(handle.url);
  const created: string[] = [];
  let processes: NodeProcesses | undefined;
  try {
    const clientPort = new Map<number, number>();
    const peerPort = new Map<number, number>();
    for (const id of ids) {
      clientPort.set(id, await freePort());
      peerPort.set(id, await freePort());
    }
    const listenOf = new Map<string, string>();
    const create = async (name: string, upstream: string) => {
      const proxy = await toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream });
      created.push(name);
      listenOf.set(name, proxy.listen);
    };
    for (const [a, b] of network.allLinks()) await create(network.peerProxy(a, b), `127.0.0.1:${peerPort.get(b)}`);
    for (const id of ids) await create(network.clientProxy(id), `127.0.0.1:${clientPort.get(id)}`);

    const specs = new Map<number, LabNodeSpec>();
    for (const id of ids) {
      const dataDir = join(o.runDir, `node-${id}`);
      await mkdir(dataDir, { recursive: true });
      // Node I names node J at the proxy I->J: everything I sends J goes through that proxy.
      const peers = ids.map((j) => `${j}=${j === id ? `127.0.0.1:${peerPort.get(id)}` : listenOf.get(network.peerProxy(id, j))}`).join(',');
      specs.set(id, {
        id,
        dataDir,
        args: [
          'start', '--node-id', String(id), '--host', '127.0.0.1', '--port', String(clientPort.get(id)), '--peer-port', String(peerPort.get(id)),
          // Clients learn leaders from the advertised addresses: they point at the client proxies.
          '--advertise', listenOf.get(network.clientProxy(id))!, '--data', dataDir, '--peers', peers,
        ],
      });
    }
    processes = new NodeProcesses(o.runDir, specs, { FLOTILLA_TICK_MS: String(o.tickMs), FLOTILLA_ELECTION_TICKS: String(o.electionTicks) }, o.now);
    const procs = processes;
    // The nodes never outlive the lab, even when it is made to exit at once (a second Ctrl-C).
    const killNodes = () => procs.killAllNow();
    process.on('exit', killNodes);
    await Promise.all(ids.map((id) => procs.start(id)));
    const brokers = ids.map((id) => listenOf.get(network.clientProxy(id))!);
    await waitRegistered(brokers, ids, o.readyTimeoutMs ?? 60_000);
    return {
      nodeIds: ids,
      brokers,
      network,
      clientsProxied: true,
      processes: procs,
      tickMs: o.tickMs,
      electionTicks: o.electionTicks,
      close: async () => {
        process.off('exit', killNodes);
        await procs.close();
        await Promise.allSettled(created.map(async (name) => (await toxiproxy.get(name)).remove()));
        await handle.close();
      },
    };
  } catch (error) {
    await processes?.close();
    await Promise.allSettled(created.map(async (name) => (await toxiproxy.get(name)).remove()));
    await handle.close();
    throw error;
  }
}

/**
 * Attaches to a running cluster whose peer links go through `nodeI_to_nodeJ` proxies of the
 * Toxiproxy at `toxiproxyUrl` (docker-compose.yml). Its Raft timing is unknown to the lab: the
 * defaults (100 ms ticks, 10 per election) are assumed.
 */
export async function attachCluster(brokers: string[], toxiproxyUrl: string, needClientProxies: boolean): Promise<ClusterUnderTest> {
  const flotilla = new Flotilla({ brokers, requestTimeoutMs: 5000, callTimeoutMs: 30_000 });
  let ids: number[];
  try {
    const c = await flotilla.admin().describeCluster();
    ids = c.nodes.map((n) => n.id).sort((a, b) => a - b);
  } catch (error) {
    throw new Error(`cannot reach the cluster at ${brokers.join(',')}: ${(error as Error).message}`);
  } finally {
    await flotilla.close();
  }
  const network = new LabNetwork(toxiproxyUrl.replace(/\/+$/, ''), ids);
  try {
    await network.verify(needClientProxies);
  } catch (error) {
    throw new Error(`${(error as Error).message}${/fetch failed|ECONNREFUSED/.test((error as Error).message) ? ` (is Toxiproxy running at ${toxiproxyUrl}?)` : ''}`);
  }
  return { nodeIds: ids, brokers, network, clientsProxied: needClientProxies, tickMs: 100, electionTicks: 10, close: async () => undefined };
}

/** Polls DescribeCluster until every node is registered and a controller leader is known. */
export async function waitRegistered(brokers: string[], ids: number[], timeoutMs: number): Promise<void> {
  const flotilla = new Flotilla({ brokers, requestTimeoutMs: 2000, callTimeoutMs: 5000 });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  try {
    for (;;) {
      try {
        const c = await flotilla.admin().describeCluster();
        const registered = new Set(c.nodes.map((n) => n.id));
        if (c.controllerLeader !== 0 && ids.every((id) => registered.has(id))) return;
        last = `controller leader ${c.controllerLeader}, registered nodes [${[...registered].join(', ')}]`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`the cluster was not ready within ${timeoutMs / 1000} s: ${last}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await flotilla.close();
  }
}

/** Ports handed out in this process, so two nodes of one lab never get the same one. */
const handedOut = new Set<number>();

/**
 * A free port for a node, below Linux's ephemeral range (32768 and up), so no proxy or client
 * connection the system numbers itself can take it while the node is down between restarts.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_700);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port found between 20000 and 32700 on 127.0.0.1');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
