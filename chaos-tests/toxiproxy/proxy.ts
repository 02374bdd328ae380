/**
 * A proxy (Toxiproxy's Proxy): listens on `listen`, and for every client it accepts opens a
 * connection to `upstream` and joins the two through its toxics. Disabling it closes the listener
 * and every open connection; enabling it listens again on the same address (once it has listened,
 * `listen` holds the real port, so a proxy created on port 0 keeps its port).
 */
import * as net from 'node:net';
import { formatAddress, listenIp, splitHostPort, type HostPort } from './address';
import { Connection } from './connection';
import { ToxicCollection } from './toxic-collection';
import { toxicJson, type ToxicJson } from './toxic';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** The fields a proxy update may change. */
export interface ProxyChange {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** A client accepted whose upstream connection is not open yet. */
interface Dialling {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpProxy {
  readonly toxics = new ToxicCollection();
  private enabledFlag = false;
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly dialling = new Set<Dialling>();

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
  ) {}

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** Listens on `listen`. Throws (an HTTP 500 for the API) if it cannot, e.g. the port is taken. */
  async start(): Promise<void> {
    if (this.enabledFlag) return;
    const server = await listenOn(this.listen);
    server.on('connection', (client: net.Socket) => this.accept(server, client));
    this.server = server;
    this.listen = formatAddress(server.address() as net.AddressInfo);
    this.enabledFlag = true;
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!this.enabledFlag || !server) return;
    this.enabledFlag = false;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    for (const { client, upstream } of this.dialling) {
      client.destroy();
      upstream.destroy();
    }
    this.dialling.clear();
    await closed;
  }

  /**
   * Applies a change as Toxiproxy does: a new listen or upstream address restarts the proxy
   * (dropping its connections), then `enabled` starts or stops it.
   */
  async update(change: ProxyChange): Promise<void> {
    if (change.listen !== this.listen || change.upstream !== this.upstream) {
      await this.stop();
      this.listen = change.listen;
      this.upstream = change.upstream;
    }
    if (change.enabled && !this.enabledFlag) await this.start();
    if (!change.enabled && this.enabledFlag) await this.stop();
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabledFlag,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  private accept(server: net.Server, client: net.Socket): void {
    client.on('error', () => undefined);
    let target: HostPort;
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: target.host || 'localhost', port: target.port, allowHalfOpen: true, noDelay: true });
    upstream.on('error', () => undefined);
    const dialling: Dialling = { client, upstream };
    this.dialling.add(dialling);
    // A client gone, or an upstream that refused, before the connection is made: close the other.
    client.once('close', () => this.dialling.has(dialling) && upstream.destroy());
    upstream.once('close', () => this.dialling.delete(dialling) && client.destroy());
    upstream.once('connect', () => {
      if (!this.dialling.delete(dialling) || this.server !== server) return;
      const connection = new Connection(client, upstream, (c) => {
        this.connections.delete(c);
        this.toxics.detach(c);
      });
      this.connections.add(connection);
      this.toxics.attach(connection);
    });
  }
}

/** A listening server on `listen`, or an Error worded as Go's net.Listen words it. */
async function listenOn(listen: string): Promise<net.Server> {
  let address: HostPort;
  let ip: string | undefined;
  try {
    address = splitHostPort(listen);
  } catch (error) {
    throw new Error(`listen tcp: ${(error as Error).message}`);
  }
  try {
    ip = await listenIp(address.host);
  } catch {
    throw new Error(`listen tcp: lookup ${address.host}: no such host`);
  }
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port: address.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = BIND_ERRORS[code ?? ''] ?? (error as Error).message;
    throw new Error(`listen tcp ${listen}: bind: ${reason}`);
  }
  return server;
}

const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};
