/**
 * A fault proxy that speaks Toxiproxy 2.x's HTTP API: any Toxiproxy client
 * (toxiproxy-node-client, toxiproxy-cli, the Go and Ruby clients) can drive it. It serves the API
 * on host:port (Toxiproxy's default is 8474) and runs the TCP proxies the API creates.
 *
 * ```ts
 * const server = await ToxiproxyServer.start({ port: 0 });
 * const toxiproxy = new Toxiproxy(server.url);           // toxiproxy-node-client
 * const proxy = await toxiproxy.createProxy({ name: 'node1', listen: '127.0.0.1:0', upstream: '127.0.0.1:7001' });
 * await proxy.addToxic({ type: 'latency', attributes: { latency: 100, jitter: 10 } } as never);
 * await server.close();
 * ```
 *
 * Requests are handled one at a time, in arrival order, as Toxiproxy's locks serialise them.
 *
 * Where it differs from Toxiproxy, on purpose:
 * - Adding a toxic appends it without disturbing the toxics before it, and removing one does not
 *   disturb its predecessor. (Toxiproxy interrupts the neighbour to re-link its channel, which
 *   makes a latency toxic release the chunk it holds early and re-rolls its toxicity.) A toxic's
 *   own update does what Toxiproxy's does: the held chunk goes on, the toxicity is rolled again.
 * - reset_peer always resets with RST; Toxiproxy sets SO_LINGER 0 only on connections opened while
 *   the toxic existed, so on older ones it closes with a FIN.
 * - A bandwidth rate of 0 or less passes data unlimited, and a slicer average_size below 1 counts
 *   as 1 (Toxiproxy loops forever on both).
 * - Populating with an empty list answers `"proxies": []` (Toxiproxy: null, which
 *   toxiproxy-node-client cannot iterate).
 * - A direction of a connection holds up to about 1 MiB before it stops reading its source
 *   (Toxiproxy's buffers are per toxic: 1024 chunks for latency, none for the others).
 * - Malformed JSON is refused as a whole (Go reads the first value and ignores what follows);
 *   the 400's wording after "bad request body: " is Node's for syntax errors.
 * - Not served: `/metrics`, TLS proxies, request timeouts (503 after 25 s), and toxic types
 *   other than the seven TCP ones (refused as "invalid toxic type").
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatAddress } from './address';
import { ToxiproxyApi } from './api';
import { ProxyCollection } from './proxy-collection';
import type { ProxyJson } from './proxy';

/** The Toxiproxy release whose API this server follows; `GET /version` answers it. */
export const TOXIPROXY_VERSION = '2.12.0';

const MAX_BODY = 1 << 20;

export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474, Toxiproxy's; 0 for any free port. */
  port?: number;
  /** What `GET /version` answers; default TOXIPROXY_VERSION. */
  version?: string;
}

export class ToxiproxyServer {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly http: http.Server,
    private readonly api: ToxiproxyApi,
    private readonly proxies: ProxyCollection,
    /** `host:port` the API listens on. */
    readonly address: string,
  ) {}

  static async start(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const proxies = new ProxyCollection();
    const api = new ToxiproxyApi(proxies, options.version ?? TOXIPROXY_VERSION);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8474 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const instance = new ToxiproxyServer(server, api, proxies, formatAddress(server.address() as AddressInfo));
    server.on('request', (request, response) => instance.serve(request, response));
    return instance;
  }

  /** The API's base URL, e.g. `http://127.0.0.1:8474`: what a Toxiproxy client is given. */
  get url(): string {
    return `http://${this.address}`;
  }

  /**
   * Creates or replaces proxies as `POST /populate` does, from the same JSON (Toxiproxy's
   * `-config` file). Throws an Error saying what was wrong.
   */
  populate(config: unknown): Promise<ProxyJson[]> {
    return this.serialised(async () => (await this.proxies.populate(config)).map((p) => p.toJSON()));
  }

  /** Stops every proxy (closing their connections) and the API. */
  async close(): Promise<void> {
    await this.serialised(() => this.proxies.clear());
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(request.url ?? '/', 'http://toxiproxy').pathname;
      void this.serialised(() =>
        this.api.handle({ method: request.method ?? 'GET', path, userAgent: request.headers['user-agent'] ?? '', body }),
      ).then((answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      });
    });
  }

  /** Runs `task` after every task before it has finished. */
  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
