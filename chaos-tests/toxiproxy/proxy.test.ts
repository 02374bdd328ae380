/** A proxy's life on the wire: forwarding, disabling and re-enabling, deleting, populate and reset. */
import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToxiproxyServer } from './server';
import { Peer, portOf, refused, Upstream } from './test-peers';

let server: ToxiproxyServer;
let toxiproxy: Toxiproxy;
let echo: Upstream;

beforeAll(async () => {
  server = await ToxiproxyServer.start({ port: 0 });
  toxiproxy = new Toxiproxy(server.url);
  echo = await Upstream.start();
});
afterAll(async () => {
  await server.close();
  await echo.close();
});
afterEach(async () => {
  await toxiproxy.reset();
  for (const proxy of Object.values(await toxiproxy.getAll())) await proxy.remove();
});

async function echoes(client: Peer, text: string): Promise<boolean> {
  const expected = client.received.length + text.length;
  client.socket.write(text);
  await client.receive(expected);
  return client.received.subarray(expected - text.length).toString() === text;
}

describe('a proxy', () => {
  it('forwards both ways, byte for byte, many connections at once', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'fwd', listen: '127.0.0.1:0', upstream: echo.address });
    const clients = await Promise.all(Array.from({ length: 8 }, () => Peer.connect(portOf(proxy.listen))));
    const big = Buffer.alloc(3 << 20, 'abcdefgh');
    await Promise.all(clients.map(async (c, i) => expect(await echoes(c, `hello ${i}`)).toBe(true)));
    clients[0].socket.write(big);
    await clients[0].receive(big.length + 'hello 0'.length, 10_000);
    expect(clients[0].received.subarray('hello 0'.length).equals(big)).toBe(true);
  });

  it('when the client closes, delivers what it sent and then closes the upstream side too', async () => {
    const sink = await Upstream.start(() => undefined);
    try {
      const proxy = await toxiproxy.createProxy({ name: 'half', listen: '127.0.0.1:0', upstream: sink.address });
      const client = await Peer.connect(portOf(proxy.listen));
      const server = await sink.peer(0);
      client.socket.end('last words');
      await server.waitClosed();
      expect(server.received.toString()).toBe('last words');
    } finally {
      await sink.close();
    }
  });

  it('closes a client at once when its upstream refuses the connection', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'dead', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    const client = await Peer.connect(portOf(proxy.listen));
    await client.waitClosed(2000);
    expect(client.received.length).toBe(0);
  });

  it('disabled, closes its connections and refuses new ones; enabled again, listens on the same port', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'flip', listen: '127.0.0.1:0', upstream: echo.address });
    const port = portOf(proxy.listen);
    const client = await Peer.connect(port);
    expect(await echoes(client, 'up')).toBe(true);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    await client.waitClosed(2000);
    expect(await refused(port)).toBe(true);
    const enabled = await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(enabled.listen).toBe(proxy.listen);
    const again = await Peer.connect(port);
    expect(await echoes(again, 'back')).toBe(true);
  });

  it('moved to another upstream, drops its connections and forwards new ones there', async () => {
    const other = await Upstream.start((peer) => peer.socket.write('other'));
    try {
      const proxy = await toxiproxy.createProxy({ name: 'move', listen: '127.0.0.1:0', upstream: echo.address });
      const client = await Peer.connect(portOf(proxy.listen));
      expect(await echoes(client, 'echo')).toBe(true);
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: other.address });
      await client.waitClosed(2000);
      const moved = await Peer.connect(portOf(proxy.listen));
      await moved.receive(5);
      expect(moved.received.toString()).toBe('other');
    } finally {
      await other.close();
    }
  });

  it('deleted, closes its connections and its port', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'del', listen: '127.0.0.1:0', upstream: echo.address });
    const client = await Peer.connect(portOf(proxy.listen));
    expect(await echoes(client, 'x')).toBe(true);
    await proxy.remove();
    await client.waitClosed(2000);
    expect(await refused(portOf(proxy.listen))).toBe(true);
  });
});

describe('populate and reset on the wire', () => {
  it('populate creates proxies that forward, and replaces one whose upstream changed', async () => {
    const other = await Upstream.start((peer) => peer.socket.write('other'));
    try {
      const first = await toxiproxy.populate([{ name: 'pop', listen: '127.0.0.1:0', upstream: echo.address }]);
      const listen = first.pop.listen;
      const client = await Peer.connect(portOf(listen));
      expect(await echoes(client, 'via populate')).toBe(true);
      const second = await toxiproxy.populate([{ name: 'pop', listen, upstream: other.address }]);
      expect(second.pop.toJson()).toEqual({ name: 'pop', listen, upstream: other.address, enabled: true });
      await client.waitClosed(2000);
      const moved = await Peer.connect(portOf(listen));
      await moved.receive(5);
      expect(moved.received.toString()).toBe('other');
    } finally {
      await other.close();
    }
  });

  it('reset re-enables a disabled proxy and takes its toxics off open connections', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'rst', listen: '127.0.0.1:0', upstream: echo.address });
    await proxy.addToxic({ type: 'latency', attributes: { latency: 2000, jitter: 0 } } as ICreateToxicBody<unknown>);
    const client = await Peer.connect(portOf(proxy.listen));
    const start = performance.now();
    client.socket.write('slow');
    await toxiproxy.reset();
    await client.receive(4);
    expect(performance.now() - start).toBeLessThan(1500);

    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(await refused(portOf(proxy.listen))).toBe(true);
    await toxiproxy.reset();
    expect((await toxiproxy.get('rst')).enabled).toBe(true);
    expect(await echoes(await Peer.connect(portOf(proxy.listen)), 'again')).toBe(true);
  });
});
