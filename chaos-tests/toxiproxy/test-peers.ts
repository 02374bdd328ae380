/**
 * The two ends of a proxied connection for the tests: a TCP client that records what arrives and
 * when, and an upstream server (echo by default) that does the same for every connection it
 * accepts. All on 127.0.0.1. Times are `performance.now()` milliseconds, the clock the proxy uses.
 */
import * as net from 'node:net';

/** One end of a TCP connection, recording every chunk that arrives, the FIN, the close and any error. */
export class Peer {
  readonly chunks: { data: Buffer; at: number }[] = [];
  /** When the socket closed (undefined while open), and the error that closed it, if any. */
  closedAt: number | undefined;
  error: NodeJS.ErrnoException | undefined;
  readonly closed: Promise<number>;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => this.chunks.push({ data, at: performance.now() }));
    socket.on('error', (error: NodeJS.ErrnoException) => (this.error ??= error));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closedAt = performance.now();
        resolve(this.closedAt);
      }),
    );
  }

  /** Connects to 127.0.0.1:port. */
  static async connect(port: number): Promise<Peer> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const peer = new Peer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return peer;
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.data));
  }

  /** Resolves with the time the `bytes`-th byte arrived; rejects after `timeoutMs`. */
  async receive(bytes: number, timeoutMs = 5000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      let total = 0;
      for (const c of this.chunks) {
        total += c.data.length;
        if (total >= bytes) return c.at;
      }
      if (performance.now() > deadline) throw new Error(`received ${total} of ${bytes} bytes in ${timeoutMs} ms`);
      if (this.closedAt !== undefined) throw new Error(`closed after ${total} of ${bytes} bytes`);
      await sleep(2);
    }
  }

  /** Resolves with the close time; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<number> {
    return Promise.race([
      this.closed,
      sleep(timeoutMs).then(() => {
        throw new Error(`still open after ${timeoutMs} ms`);
      }),
    ]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** An upstream server; `onConnection` decides what it does (echo by default). */
export class Upstream {
  readonly peers: Peer[] = [];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(onConnection: (peer: Peer) => void = (peer) => peer.socket.pipe(peer.socket)): Promise<Upstream> {
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstream = new Upstream(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => {
      const peer = new Peer(socket);
      upstream.peers.push(peer);
      onConnection(peer);
    });
    return upstream;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The `index`-th connection it accepted (0: the first), once accepted. */
  async peer(index: number, timeoutMs = 5000): Promise<Peer> {
    const deadline = performance.now() + timeoutMs;
    while (this.peers.length <= index) {
      if (performance.now() > deadline) throw new Error(`only ${this.peers.length} connection(s) accepted in ${timeoutMs} ms`);
      await sleep(2);
    }
    return this.peers[index];
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The port of a proxy's `listen` ("127.0.0.1:41789"). */
export function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a TCP connection to 127.0.0.1:port is refused. */
export async function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
