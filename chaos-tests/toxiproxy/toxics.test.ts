/**
 * Each toxic's effect on the wire, byte for byte and in time, through a real proxy between a
 * client and an upstream on 127.0.0.1. Timing checks have tight lower bounds (a toxic must never
 * deliver early) and generous upper bounds (a loaded machine is slow, never fast).
 */
import { Toxiproxy, type ICreateToxicBody, type Proxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToxiproxyServer } from './server';
import { Peer, portOf, sleep, Upstream } from './test-peers';
import { sliceOffsets } from './toxics/slicer';

/** How late a loaded machine may be. */
const SLACK = 400;

let server: ToxiproxyServer;
let toxiproxy: Toxiproxy;
let echo: Upstream;
const upstreams: Upstream[] = [];
let proxyCount = 0;

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
  for (const proxy of Object.values(await toxiproxy.getAll())) await proxy.remove();
  for (const upstream of upstreams.splice(0)) await upstream.close();
});

type ToxicBody = Partial<ICreateToxicBody<unknown>> & { type: ICreateToxicBody<unknown>['type'] };

/**
 * A proxy to `upstream` with these toxics, a client connected through it, and (once the proxy has
 * dialled it) the upstream's end of that connection.
 */
async function through(upstream: Upstream, toxics: ToxicBody[] = []): Promise<{ proxy: Proxy; client: Peer; server: () => Promise<Peer> }> {
  const proxy = await toxiproxy.createProxy({ name: `p${++proxyCount}`, listen: '127.0.0.1:0', upstream: upstream.address });
  for (const toxic of toxics) await proxy.addToxic(toxic as ICreateToxicBody<unknown>);
  const index = upstream.peers.length;
  return { proxy, client: await Peer.connect(portOf(proxy.listen)), server: () => upstream.peer(index) };
}

/** An upstream that, on each connection, runs `onConnection` (and is closed after the test). */
async function upstreamDoing(onConnection: (peer: Peer) => void): Promise<Upstream> {
  const upstream = await Upstream.start(onConnection);
  upstreams.push(upstream);
  return upstream;
}

/** Writes `text` and resolves with how long the whole echo took to come back. */
async function roundTrip(client: Peer, text: string): Promise<number> {
  const expected = client.received.length + text.length;
  const start = performance.now();
  client.socket.write(text);
  return (await client.receive(expected)) - start;
}

function pattern(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
}

describe('latency', () => {
  it('delays every chunk by the latency, never less', async () => {
    const { client } = await through(echo, [{ type: 'latency', attributes: { latency: 200, jitter: 0 } }]);
    for (const text of ['one', 'two', 'three']) {
      const rtt = await roundTrip(client, text);
      expect(rtt).toBeGreaterThanOrEqual(200);
      expect(rtt).toBeLessThan(200 + SLACK);
    }
    expect(client.received.toString()).toBe('onetwothree');
  });

  it('with jitter, delays by latency ± jitter', async () => {
    const { client } = await through(echo, [{ type: 'latency', attributes: { latency: 150, jitter: 50 } }]);
    for (let i = 0; i < 4; i++) {
      const rtt = await roundTrip(client, `m${i}`);
      expect(rtt).toBeGreaterThanOrEqual(100);
      expect(rtt).toBeLessThan(200 + SLACK);
    }
  });

  it('acts on its stream only: upstream delays what the server receives, downstream what the client receives', async () => {
    const up = await through(echo, [{ type: 'latency', stream: 'upstream', attributes: { latency: 300, jitter: 0 } }]);
    const start = performance.now();
    up.client.socket.write('hello');
    const atServer = await (await up.server()).receive(5);
    const atClient = await up.client.receive(5);
    expect(atServer - start).toBeGreaterThanOrEqual(300);
    expect(atClient - atServer).toBeLessThan(300);

    const down = await through(echo, [{ type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 0 } }]);
    const start2 = performance.now();
    down.client.socket.write('hello');
    const atServer2 = await (await down.server()).receive(5);
    const atClient2 = await down.client.receive(5);
    expect(atServer2 - start2).toBeLessThan(300);
    expect(atClient2 - atServer2).toBeGreaterThanOrEqual(300);
  });

  it('two latency toxics on a stream add up', async () => {
    const { client } = await through(echo, [
      { name: 'first', type: 'latency', attributes: { latency: 100, jitter: 0 } },
      { name: 'second', type: 'latency', attributes: { latency: 150, jitter: 0 } },
    ]);
    const rtt = await roundTrip(client, 'x');
    expect(rtt).toBeGreaterThanOrEqual(250);
    expect(rtt).toBeLessThan(250 + SLACK);
  });
});

describe('bandwidth', () => {
  it('passes 100 KB at 200 KB/s within 20% of the rate, every byte intact', async () => {
    const data = pattern(100_000);
    const upstream = await upstreamDoing((peer) => peer.socket.once('data', () => peer.socket.write(data)));
    const { client } = await through(upstream, [{ type: 'bandwidth', attributes: { rate: 200 } }]);
    const start = performance.now();
    client.socket.write('go');
    const elapsed = (await client.receive(data.length, 5000)) - start;
    // 100,000 bytes at 200,000 B/s: 500 ms. Never faster; at most 20% slower.
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThanOrEqual(625);
    expect(client.received.equals(data)).toBe(true);
  });
});

describe('slow_close', () => {
  it('holds the close back for the delay, passing the data at once', async () => {
    const upstream = await upstreamDoing((peer) => peer.socket.end('bye'));
    const plain = await through(upstream);
    const plainStart = performance.now();
    expect((await plain.client.waitClosed()) - plainStart).toBeLessThan(400);

    const { client } = await through(upstream, [{ type: 'slow_close', attributes: { delay: 400 } }]);
    const start = performance.now();
    const dataAt = await client.receive(3);
    const closedAt = await client.waitClosed();
    expect(client.received.toString()).toBe('bye');
    expect(closedAt - start).toBeGreaterThanOrEqual(400);
    expect(closedAt - start).toBeLessThan(400 + SLACK);
    expect(dataAt - start).toBeLessThan(closedAt - start);
  });
});

describe('timeout', () => {
  it('with timeout 0, lets no data through and never closes; removing it closes the connection, as in Toxiproxy', async () => {
    const { proxy, client, server: serverEnd } = await through(echo, [{ type: 'timeout', attributes: { timeout: 0 } }]);
    client.socket.write('ping');
    const serverPeer = await serverEnd();
    await serverPeer.receive(4);
    await sleep(500);
    expect(client.received.length).toBe(0);
    expect(client.closedAt).toBeUndefined();
    const removedAt = performance.now();
    await (await proxy.getToxic('timeout_downstream')).remove();
    expect((await client.waitClosed()) - removedAt).toBeLessThan(SLACK);
    expect(client.received.length).toBe(0);
    await serverPeer.waitClosed();
  });

  it('with a timeout, closes the connection that long after data last came, having let none through', async () => {
    const { client } = await through(echo, [{ type: 'timeout', attributes: { timeout: 300 } }]);
    const start = performance.now();
    client.socket.write('ping');
    const closedAt = await client.waitClosed();
    expect(closedAt - start).toBeGreaterThanOrEqual(300);
    expect(closedAt - start).toBeLessThan(300 + SLACK);
    expect(client.received.length).toBe(0);
  });

  it('each chunk dropped starts the timeout over, as Toxiproxy does', async () => {
    const { client } = await through(echo, [{ type: 'timeout', attributes: { timeout: 300 } }]);
    let last = performance.now();
    for (let i = 0; i < 5; i++) {
      last = performance.now();
      client.socket.write('tick');
      await sleep(100);
    }
    expect(client.closedAt).toBeUndefined();
    const closedAt = await client.waitClosed();
    expect(closedAt - last).toBeGreaterThanOrEqual(300);
    expect(client.received.length).toBe(0);
  });
});

describe('limit_data', () => {
  it('downstream: lets exactly N bytes through, then closes', async () => {
    const data = pattern(5000);
    const upstream = await upstreamDoing((peer) => peer.socket.write(data));
    const { client } = await through(upstream, [{ type: 'limit_data', attributes: { bytes: 1000 } }]);
    await client.waitClosed();
    expect(client.received.equals(data.subarray(0, 1000))).toBe(true);
  });

  it('upstream: counts across writes and cuts the one that crosses the limit', async () => {
    const { client, server: serverEnd } = await through(echo, [{ type: 'limit_data', stream: 'upstream', attributes: { bytes: 1500 } }]);
    const serverPeer = await serverEnd();
    const data = pattern(2000);
    client.socket.write(data.subarray(0, 1000));
    await serverPeer.receive(1000);
    client.socket.write(data.subarray(1000));
    await serverPeer.waitClosed();
    await client.waitClosed();
    expect(serverPeer.received.equals(data.subarray(0, 1500))).toBe(true);
  });
});

describe('slicer', () => {
  it('delivers every byte, in order, in several slices', async () => {
    const data = pattern(1000);
    const { client } = await through(echo, [{ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 3000 } }]);
    const start = performance.now();
    client.socket.write(data);
    const at = await client.receive(data.length);
    expect(client.received.equals(data)).toBe(true);
    expect(client.chunks.length).toBeGreaterThanOrEqual(3);
    // About ten slices, 3 ms apart.
    expect(at - start).toBeGreaterThanOrEqual(15);
  });

  it("cuts a chunk into contiguous slices no larger than average + variation, as Toxiproxy's chunk() does", () => {
    for (const [size, average, variation] of [
      [1000, 100, 20],
      [65536, 1500, 0],
      [7, 1, 0],
      [10, 0, 0],
      [50, 100, 10],
    ]) {
      const cuts = sliceOffsets(0, size, average, variation);
      expect(cuts[0]).toBe(0);
      expect(cuts.at(-1)).toBe(size);
      for (let i = 1; i < cuts.length; i += 2) {
        expect(cuts[i]).toBeGreaterThan(cuts[i - 1]);
        expect(cuts[i] - cuts[i - 1]).toBeLessThanOrEqual(Math.max(1, average) + variation);
        if (i + 1 < cuts.length) expect(cuts[i + 1]).toBe(cuts[i]);
      }
    }
  });
});

describe('reset_peer', () => {
  it('resets both sides (ECONNRESET) when data comes, dropping it', async () => {
    const { client, server: serverEnd } = await through(echo, [{ type: 'reset_peer', attributes: { timeout: 0 } }]);
    client.socket.write('x');
    await client.waitClosed();
    expect(client.error?.code).toBe('ECONNRESET');
    expect(client.received.length).toBe(0);
    const serverPeer = await serverEnd();
    await serverPeer.waitClosed();
    expect(serverPeer.error?.code).toBe('ECONNRESET');
  });

  it('with a timeout, resets that long after the data came', async () => {
    const { client } = await through(echo, [{ type: 'reset_peer', attributes: { timeout: 300 } }]);
    const start = performance.now();
    client.socket.write('x');
    const closedAt = await client.waitClosed();
    expect(client.error?.code).toBe('ECONNRESET');
    expect(closedAt - start).toBeGreaterThanOrEqual(300);
    expect(closedAt - start).toBeLessThan(300 + SLACK);
  });
});

describe('toxicity', () => {
  it('a toxic with toxicity 0 never applies', async () => {
    const { client } = await through(echo, [{ type: 'latency', toxicity: 0, attributes: { latency: 1000, jitter: 0 } }]);
    for (let i = 0; i < 3; i++) expect(await roundTrip(client, 'fast')).toBeLessThan(1000);
  });

  it('is rolled once per connection: with 0.5, some connections get the toxic and others not', async () => {
    const { proxy } = await through(echo, [{ type: 'latency', toxicity: 0.5, attributes: { latency: 400, jitter: 0 } }]);
    const clients = await Promise.all(Array.from({ length: 24 }, () => Peer.connect(portOf(proxy.listen))));
    const rtts = await Promise.all(clients.map(async (c) => [await roundTrip(c, 'a'), await roundTrip(c, 'b')]));
    const slow = rtts.filter(([a]) => a >= 400);
    expect(slow.length).toBeGreaterThan(0);
    expect(slow.length).toBeLessThan(24);
    // The same connection is affected the same way every time.
    for (const [a, b] of rtts) expect(a >= 400).toBe(b >= 400);
  });
});

describe('changing toxics on live connections', () => {
  it('a toxic added applies to connections already open', async () => {
    const { proxy, client } = await through(echo);
    expect(await roundTrip(client, 'before')).toBeLessThan(300);
    await proxy.addToxic({ type: 'latency', attributes: { latency: 300, jitter: 0 } } as ICreateToxicBody<unknown>);
    expect(await roundTrip(client, 'after')).toBeGreaterThanOrEqual(300);
  });

  it('an update applies at once: the chunk held goes on and later ones see the new latency', async () => {
    const { proxy, client } = await through(echo, [{ type: 'latency', attributes: { latency: 3000, jitter: 0 } }]);
    const start = performance.now();
    client.socket.write('held');
    await sleep(100);
    await (await proxy.getToxic('latency_downstream')).update({ attributes: { latency: 200 } } as ICreateToxicBody<unknown>);
    expect((await client.receive(4)) - start).toBeLessThan(3000);
    const rtt = await roundTrip(client, 'next');
    expect(rtt).toBeGreaterThanOrEqual(200);
    expect(rtt).toBeLessThan(200 + SLACK);
  });

  it('removing a toxic releases the data it held, in order', async () => {
    const { proxy, client } = await through(echo, [{ type: 'latency', attributes: { latency: 3000, jitter: 0 } }]);
    const start = performance.now();
    client.socket.write('first');
    await sleep(50);
    client.socket.write('second');
    await sleep(100);
    await (await proxy.getToxic('latency_downstream')).remove();
    expect((await client.receive(11)) - start).toBeLessThan(3000);
    expect(client.received.toString()).toBe('firstsecond');
    expect(await roundTrip(client, 'third')).toBeLessThan(300);
  });
});
