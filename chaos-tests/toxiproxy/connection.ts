/**
 * One client connection through a proxy: the client socket, the socket the proxy opened to the
 * upstream, and a link for each direction (upstream: client -> server, downstream: server ->
 * client). It is over when both sockets have closed.
 */
import type { Socket } from 'node:net';
import { Link } from './link';

export class Connection {
  readonly up: Link;
  readonly down: Link;
  private socketsClosed = 0;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    const reset = () => this.reset();
    this.up = new Link('upstream', client, upstream, { finished: () => this.down.endInput(), reset });
    this.down = new Link('downstream', upstream, client, { finished: () => this.up.endInput(), reset });
    client.on('data', (data: Buffer) => this.up.input(data));
    upstream.on('data', (data: Buffer) => this.down.input(data));
    client.on('end', () => this.up.endInput());
    upstream.on('end', () => this.down.endInput());
    client.on('close', () => this.socketClosed(this.up, this.down));
    upstream.on('close', () => this.socketClosed(this.down, this.up));
  }

  /** Closes both sockets at once (the proxy was disabled, deleted or changed). */
  destroy(): void {
    this.up.abort();
    this.down.abort();
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Resets both sockets: each peer gets a TCP RST ("connection reset by peer"). */
  reset(): void {
    this.up.abort();
    this.down.abort();
    for (const socket of [this.client, this.upstream]) if (!socket.destroyed) socket.resetAndDestroy();
  }

  /** A socket closed: the link reading it has no more input, the link writing it nowhere to write. */
  private socketClosed(reading: Link, writing: Link): void {
    reading.endInput();
    writing.destinationClosed();
    if (++this.socketsClosed === 2) {
      this.up.abort();
      this.down.abort();
      this.onClosed(this);
    }
  }
}
