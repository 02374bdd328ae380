/**
 * The lab's network faults, made only through the Toxiproxy HTTP API (toxiproxy-node-client), so
 * the in-process fault proxy and a real Toxiproxy are driven by the same code. The layout is the
 * docker-compose.yml one: a proxy `nodeI_to_nodeJ` carries everything node I sends to node J
 * (every node opens its own connection to every other), and, when clients are proxied too,
 * `client_to_nodeI` carries the clients' connections to node I. Disabling a proxy cuts that
 * direction (its connections are closed, new ones refused); a `timeout` toxic of 0 blackholes it
 * (the connection stays open, the data is dropped).
 */
import { Toxiproxy, type ICreateToxicBody, type Proxy } from 'toxiproxy-node-client';

export type Link = readonly [from: number, to: number];

/** The toxic names the lab adds, so that healing removes exactly those. */
const LAB_TOXICS = ['lab_blackhole', 'lab_latency_up', 'lab_latency_down', 'lab_bandwidth_up', 'lab_bandwidth_down'] as const;

export class LabNetwork {
  private readonly toxiproxy: Toxiproxy;
  /** Proxies the lab disabled, and toxics it added (proxy name -> toxic names), to heal. */
  private readonly disabled = new Set<string>();
  private readonly toxics = new Map<string, Set<string>>();

  constructor(
    readonly url: string,
    readonly nodeIds: readonly number[],
    /** Prepended to every proxy name (the lab's own cluster names its proxies per run). */
    readonly prefix = '',
  ) {
    this.toxiproxy = new Toxiproxy(url);
  }

  peerProxy(from: number, to: number): string {
    return `${this.prefix}node${from}_to_node${to}`;
  }

  clientProxy(node: number): string {
    return `${this.prefix}client_to_node${node}`;
  }

  /** Every directed peer link. */
  allLinks(): Link[] {
    return this.nodeIds.flatMap((i) => this.nodeIds.filter((j) => j !== i).map((j) => [i, j] as const));
  }

  /** Links between groups that cannot talk: both directions of every pair (a, b) with a, b in different groups and `connected(a, b)` false. */
  linksCutBy(connected: (a: number, b: number) => boolean): Link[] {
    return this.allLinks().filter(([a, b]) => !connected(a, b));
  }

  /** Checks that every proxy the lab needs exists (an attached cluster must have the docker-compose layout). */
  async verify(clientProxies: boolean): Promise<void> {
    const all = await this.toxiproxy.getAll();
    const need = this.allLinks().map(([a, b]) => this.peerProxy(a, b));
    if (clientProxies) need.push(...this.nodeIds.map((n) => this.clientProxy(n)));
    const missing = need.filter((name) => !(name in all));
    const clients = missing.filter((name) => name.startsWith(`${this.prefix}client_to_node`));
    if (clients.length > 0 && clients.length === missing.length) {
      throw new Error(`Toxiproxy at ${this.url} has no proxy ${clients.join(', ')}: client-cut-leader needs one per node, named client_to_nodeI, in front of the node's client port (docker-compose.yml has none; leave client-cut-leader out)`);
    }
    if (missing.length > 0) {
      throw new Error(`Toxiproxy at ${this.url} has no proxy ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` (and ${missing.length - 4} more)` : ''}: the lab expects one per peer link, named nodeI_to_nodeJ (docker-compose.yml's layout)`);
    }
  }

  /** Cuts these directed links (the proxies are disabled: connections closed, new ones refused). */
  async cut(links: readonly Link[]): Promise<void> {
    await Promise.all(links.map(([a, b]) => this.setEnabled(this.peerProxy(a, b), false)));
  }

  /** Clients can no longer connect to this node; the nodes still can. */
  async cutClients(node: number): Promise<void> {
    await this.setEnabled(this.clientProxy(node), false);
  }

  /** Drops everything sent over these directed links, keeping their connections open (silence, not a reset). */
  async blackhole(links: readonly Link[]): Promise<void> {
    await Promise.all(links.map(([a, b]) => this.addToxic(this.peerProxy(a, b), { name: 'lab_blackhole', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } })));
  }

  /** Latency with jitter, each way, on every peer link. */
  async slow(latencyMs: number, jitterMs: number): Promise<void> {
    await Promise.all(
      this.allLinks().flatMap(([a, b]) => [
        this.addToxic(this.peerProxy(a, b), { name: 'lab_latency_up', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: latencyMs, jitter: jitterMs } }),
        this.addToxic(this.peerProxy(a, b), { name: 'lab_latency_down', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: latencyMs, jitter: jitterMs } }),
      ]),
    );
  }

  /** A bandwidth limit (KB/s), each way, on every peer link. */
  async thin(rateKBps: number): Promise<void> {
    await Promise.all(
      this.allLinks().flatMap(([a, b]) => [
        this.addToxic(this.peerProxy(a, b), { name: 'lab_bandwidth_up', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: rateKBps } }),
        this.addToxic(this.peerProxy(a, b), { name: 'lab_bandwidth_down', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: rateKBps } }),
      ]),
    );
  }

  /** Undoes what the lab did: re-enables what it disabled, removes the toxics it added. */
  async heal(): Promise<void> {
    const disabled = [...this.disabled];
    const toxics = [...this.toxics];
    this.disabled.clear();
    this.toxics.clear();
    await Promise.all([
      ...disabled.map((name) => this.setEnabled(name, true)),
      ...toxics.flatMap(([proxy, names]) => [...names].map((t) => this.removeToxic(proxy, t))),
    ]);
  }

  /**
   * Heals every proxy of the layout, whatever the lab remembers: enabled, and none of the lab's
   * toxics (the end of a run, or after an interrupted one).
   */
  async healAll(): Promise<void> {
    this.disabled.clear();
    this.toxics.clear();
    const all = await this.toxiproxy.getAll();
    const ours = new Set([...this.allLinks().map(([a, b]) => this.peerProxy(a, b)), ...this.nodeIds.map((n) => this.clientProxy(n))]);
    await Promise.all(
      Object.values(all)
        .filter((p) => ours.has(p.name))
        .map(async (p) => {
          if (!p.enabled) await p.update({ enabled: true, listen: p.listen, upstream: p.upstream });
          for (const t of await this.toxicsOf(p.name)) if ((LAB_TOXICS as readonly string[]).includes(t)) await this.removeToxic(p.name, t);
        }),
    );
  }

  /** The names of a proxy's toxics (GET /proxies/{name}/toxics: the client's proxy list leaves them out). */
  private async toxicsOf(proxy: string): Promise<string[]> {
    const response = await fetch(`${this.url}/proxies/${encodeURIComponent(proxy)}/toxics`);
    if (!response.ok) throw new Error(`Toxiproxy: GET /proxies/${proxy}/toxics answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as Array<{ name: string }>).map((t) => t.name);
  }

  private async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = await this.toxiproxy.get(name);
    if (proxy.enabled !== enabled) await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    if (enabled) this.disabled.delete(name);
    else this.disabled.add(name);
  }

  private async addToxic<T>(proxyName: string, body: ICreateToxicBody<T>): Promise<void> {
    const proxy: Proxy = await this.toxiproxy.get(proxyName);
    let names = this.toxics.get(proxyName);
    if (!names) this.toxics.set(proxyName, (names = new Set()));
    if (names.has(body.name)) return;
    await proxy.addToxic(body);
    names.add(body.name);
  }

  private async removeToxic(proxyName: string, toxic: string): Promise<void> {
    const proxy = await this.toxiproxy.get(proxyName);
    try {
      await (await proxy.getToxic(toxic)).remove();
    } catch (error) {
      // Already gone (a Toxiproxy reset by someone else) is healed too.
      if (!/not found/i.test((error as Error).message)) throw error;
    }
  }
}
