/**
 * TCP proxies per directed peer link, for partition tests of real node processes: node I's
 * --peers names node J at the proxy I->J, so every connection I opens to J goes through it (and
 * J's connections to I through J->I). Cutting a link closes its open connections and then
 * blackholes new ones (accepted, never forwarded: the dialler sees silence, as behind a dropped
 * route) or refuses them (reset at once); healing forwards again. Clients are not proxied: a node
 * cut off from its peers still answers clients, as in the partitions of issue 8.
 *
 * ```ts
 * const links = await LinkProxies.start([1, 2, 3], (id) => ({ host: `127.0.0.${id}`, port: peerPort }));
 * links.address(1, 2);   // what node 1's --peers says for node 2
 * links.isolate(1);      // cut 1->2, 1->3, 2->1, 3->1
 * links.healAll();
 * await links.close();
 * ```
 */
import * as net from 'node:net';

export type CutMode = 'blackhole' | 'refuse';

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
}

/** One directed link: listens on `listenHost`, forwards to `target` while not cut. */
export class LinkProxy {
  private readonly pairs = new Set<Pair>();
  /** Connections accepted while blackholed: held open, paused, never forwarded. */
  private readonly held = new Set<net.Socket>();
  private mode: CutMode | undefined;
  /** Connections accepted over the proxy's life, and how many of them were forwarded. */
  accepted = 0;
  forwarded = 0;

  private constructor(
    private readonly server: net.Server,
    readonly address: string,
    readonly target: { host: string; port: number },
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(listenHost: string, target: { host: string; port: number }): Promise<LinkProxy> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, listenHost, () => resolve());
    });
    const port = (server.address() as net.AddressInfo).port;
    return new LinkProxy(server, `${listenHost}:${port}`, target);
  }

  get isCut(): boolean {
    return this.mode !== undefined;
  }

  /** Closes every open connection of the link; new ones are blackholed (default) or refused. */
  cut(mode: CutMode = 'blackhole'): void {
    this.mode = mode;
    for (const pair of this.pairs) destroyPair(pair);
    this.pairs.clear();
    if (mode === 'refuse') this.dropHeld();
  }

  /** Forwards new connections again; connections held while blackholed are closed (the dialler reconnects). */
  heal(): void {
    this.mode = undefined;
    this.dropHeld();
  }

  async close(): Promise<void> {
    this.cut('refuse');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'blackhole') {
      // Left paused: what the dialler writes fills the socket buffers and is never read.
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
      return;
    }
    this.forwarded++;
    const pair: Pair = { client };
    this.pairs.add(pair);
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    const end = () => {
      this.pairs.delete(pair);
      destroyPair(pair);
    };
    client.on('close', end);
    upstream.on('close', end);
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private dropHeld(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}

function destroyPair(pair: Pair): void {
  pair.client.destroy();
  pair.upstream?.destroy();
}

/** A proxy for every ordered pair of distinct node ids. */
export class LinkProxies {
  private constructor(private readonly links: Map<string, LinkProxy>) {}

  /**
   * Starts the proxies. `target(id)` is node id's peer address; the proxy I->J listens on
   * `listenHost(I)` (default 127.0.1.I, apart from the nodes' 127.0.0.x so that a port the OS
   * hands a proxy can never be one a node binds later), on a port of the OS's choosing.
   */
  static async start(
    ids: readonly number[],
    target: (id: number) => { host: string; port: number },
    listenHost: (from: number) => string = (from) => `127.0.1.${from}`,
  ): Promise<LinkProxies> {
    const links = new Map<string, LinkProxy>();
    try {
      for (const from of ids) {
        for (const to of ids) {
          if (from !== to) links.set(key(from, to), await LinkProxy.start(listenHost(from), target(to)));
        }
      }
    } catch (error) {
      await Promise.all([...links.values()].map((l) => l.close()));
      throw error;
    }
    return new LinkProxies(links);
  }

  link(from: number, to: number): LinkProxy {
    const l = this.links.get(key(from, to));
    if (!l) throw new RangeError(`no link proxy ${from}->${to}`);
    return l;
  }

  /** The address node `from` dials to reach node `to`. */
  address(from: number, to: number): string {
    return this.link(from, to).address;
  }

  cut(from: number, to: number, mode?: CutMode): void {
    this.link(from, to).cut(mode);
  }

  heal(from: number, to: number): void {
    this.link(from, to).heal();
  }

  /** Cuts every link from and to `id`: it can reach no other node and none can reach it. */
  isolate(id: number, mode?: CutMode): void {
    for (const [k, l] of this.links) {
      const [from, to] = k.split('->').map(Number);
      if (from === id || to === id) l.cut(mode);
    }
  }

  healAll(): void {
    for (const l of this.links.values()) l.heal();
  }

  /** "1->2" for every link that is cut. */
  cutLinks(): string[] {
    return [...this.links].filter(([, l]) => l.isCut).map(([k]) => k);
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}

function key(from: number, to: number): string {
  return `${from}->${to}`;
}
