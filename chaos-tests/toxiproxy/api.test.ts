import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOXIPROXY_VERSION, ToxiproxyServer } from './server';
import { portOf, refused, Upstream } from './test-peers';

let server: ToxiproxyServer;
let toxiproxy: Toxiproxy;
let upstream: Upstream;

beforeAll(async () => {
  server = await ToxiproxyServer.start({ port: 0 });
  toxiproxy = new Toxiproxy(server.url);
  upstream = await Upstream.start();
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});
afterEach(async () => {
  for (const proxy of Object.values(await toxiproxy.getAll())) await proxy.remove();
});

/** A raw HTTP call, for status codes, headers and error bodies the client hides. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** Toxiproxy's error body: the JSON of the error and its status, then a newline. */
function apiError(error: string, status: number) {
  return { status, type: 'text/plain; charset=utf-8', text: `${JSON.stringify({ error, status })}\n` };
}

function toxicBody<T>(body: Partial<ICreateToxicBody<T>>): ICreateToxicBody<T> {
  return body as ICreateToxicBody<T>;
}

describe("the Toxiproxy HTTP API's proxies", () => {
  it('GET /version answers the version as Toxiproxy 2.x does', async () => {
    expect(await toxiproxy.getVersion()).toBe(`{"version": "${TOXIPROXY_VERSION}"}\n`);
    expect(await call('GET', '/version')).toMatchObject({ status: 200, type: 'application/json;charset=utf-8' });
  });

  it('POST /proxies answers 201 with the proxy, listening on the real port it was given for port 0', async () => {
    const created = await call('POST', '/proxies', { name: 'one', listen: '127.0.0.1:0', upstream: upstream.address });
    expect(created).toMatchObject({ status: 201, type: 'application/json' });
    const json = JSON.parse(created.text);
    expect(json).toEqual({ name: 'one', listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/), upstream: upstream.address, enabled: true, toxics: [] });
    expect(portOf(json.listen)).toBeGreaterThan(0);
    expect(await refused(portOf(json.listen))).toBe(false);

    const viaClient = await toxiproxy.createProxy({ name: 'two', listen: 'localhost:0', upstream: upstream.address });
    expect(viaClient.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(viaClient.enabled).toBe(true);
  });

  it('a proxy created disabled keeps its listen address and does not listen', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'off', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false });
    expect(proxy.toJson()).toEqual({ name: 'off', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false });
  });

  it('GET /proxies lists every proxy by name with its toxics; GET /proxies/{name} shows one', async () => {
    expect(await call('GET', '/proxies')).toEqual({ status: 200, type: 'application/json', text: '{}' });
    await toxiproxy.createProxy({ name: 'b', listen: '127.0.0.1:0', upstream: upstream.address });
    const a = await toxiproxy.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: upstream.address });
    await a.addToxic(toxicBody({ type: 'latency', attributes: { latency: 5, jitter: 0 } }));
    const all = await toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['a', 'b']);
    const raw = JSON.parse((await call('GET', '/proxies')).text);
    expect(raw.a.toxics).toEqual([{ attributes: { latency: 5, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 }]);
    expect((await toxiproxy.get('b')).toJson()).toEqual(all.b.toJson());
  });

  it('refuses a duplicate name with 409, a missing name or upstream and a malformed body with 400', async () => {
    const body = { name: 'dup', listen: '127.0.0.1:0', upstream: upstream.address };
    expect((await call('POST', '/proxies', body)).status).toBe(201);
    expect(await call('POST', '/proxies', body)).toEqual(apiError('proxy already exists', 409));
    expect(await call('POST', '/proxies', { listen: '127.0.0.1:0', upstream: upstream.address })).toEqual(apiError('missing required field: name', 400));
    expect(await call('POST', '/proxies', { name: 'x', listen: '127.0.0.1:0' })).toEqual(apiError('missing required field: upstream', 400));
    expect(await call('POST', '/proxies', '')).toEqual(apiError('bad request body: EOF', 400));
    expect((await call('POST', '/proxies', '{"name": ')).text).toMatch(/^\{"error":"bad request body: .+","status":400\}\n$/);
    expect(await call('POST', '/proxies', { name: 5, upstream: 'x:1' })).toEqual(
      apiError('bad request body: json: cannot unmarshal number 5 into Go struct field Proxy.name of type string', 400),
    );
    await expect(toxiproxy.createProxy(body)).rejects.toThrow('Request failed with status code 409');
  });

  it('a proxy that cannot listen is a 500 saying why, and is not created', async () => {
    const first = await toxiproxy.createProxy({ name: 'first', listen: '127.0.0.1:0', upstream: upstream.address });
    const clash = await call('POST', '/proxies', { name: 'clash', listen: first.listen, upstream: upstream.address });
    expect(clash).toEqual(apiError(`listen tcp ${first.listen}: bind: address already in use`, 500));
    expect(await call('POST', '/proxies', { name: 'noport', listen: 'localhost', upstream: upstream.address })).toEqual(
      apiError('listen tcp: address localhost: missing port in address', 500),
    );
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['first']);
  });

  it('an unknown proxy is a 404 on every route that names one', async () => {
    const notFound = apiError('proxy not found', 404);
    expect(await call('GET', '/proxies/nope')).toEqual(notFound);
    expect(await call('POST', '/proxies/nope', { enabled: false })).toEqual(notFound);
    expect(await call('PATCH', '/proxies/nope', { enabled: false })).toEqual(notFound);
    expect(await call('DELETE', '/proxies/nope')).toEqual(notFound);
    expect(await call('GET', '/proxies/nope/toxics')).toEqual(notFound);
    expect(await call('POST', '/proxies/nope/toxics', { type: 'latency' })).toEqual(notFound);
    expect(await call('GET', '/proxies/nope/toxics/t')).toEqual(notFound);
    expect(await call('POST', '/proxies/nope/toxics/t', {})).toEqual(notFound);
    expect(await call('DELETE', '/proxies/nope/toxics/t')).toEqual(notFound);
    await expect(toxiproxy.get('nope')).rejects.toThrow('Request failed with status code 404');
  });

  it('POST and PATCH /proxies/{name} update the fields given and answer 200 with the proxy', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: upstream.address });
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.toJson()).toEqual({ ...proxy.toJson(), enabled: false });
    const patched = await call('PATCH', '/proxies/p', { enabled: true });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.text)).toEqual({ ...proxy.toJson(), enabled: true, toxics: [] });
    const moved = await call('POST', '/proxies/p', { upstream: '127.0.0.1:1' });
    expect(JSON.parse(moved.text)).toMatchObject({ listen: proxy.listen, upstream: '127.0.0.1:1', enabled: true });
    expect(await call('POST', '/proxies/p', '')).toEqual(apiError('bad request body: EOF', 400));
  });

  it('DELETE /proxies/{name} answers 204 and closes the listener', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: upstream.address });
    expect(await call('DELETE', '/proxies/gone')).toEqual({ status: 204, type: null, text: '' });
    expect(await refused(portOf(proxy.listen))).toBe(true);
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it('unknown paths are a plain 404, known paths with another method a 405, browsers a 403', async () => {
    expect(await call('GET', '/nothing')).toEqual({ status: 404, type: 'text/plain; charset=utf-8', text: '404 page not found\n' });
    expect((await call('GET', '/proxies/')).status).toBe(404);
    expect(await call('PUT', '/proxies')).toEqual({ status: 405, type: null, text: '' });
    expect((await call('GET', '/reset')).status).toBe(405);
    expect(await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0' })).toEqual({
      status: 403,
      type: 'text/plain; charset=utf-8',
      text: 'User agent not allowed\n',
    });
  });
});

describe("the Toxiproxy HTTP API's toxics", () => {
  it('POST /proxies/{name}/toxics answers 200 with the toxic; defaults are <type>_<stream>, downstream, toxicity 1, zero attributes', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: upstream.address });
    const raw = await call('POST', '/proxies/tox/toxics', { type: 'latency' });
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text)).toEqual({ attributes: { latency: 0, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    const slicer = await proxy.addToxic(toxicBody({ type: 'slicer', stream: 'upstream', toxicity: 0.5, attributes: { average_size: 10, size_variation: 2, delay: 5 } }));
    expect(slicer.toJson()).toEqual({ attributes: { average_size: 10, size_variation: 2, delay: 5 }, name: 'slicer_upstream', type: 'slicer', stream: 'upstream', toxicity: 0.5 });
    const named = await proxy.addToxic(toxicBody({ name: 'cap', type: 'limit_data', attributes: { bytes: 9, unknown: 1 } as never }));
    expect(named.toJson()).toMatchObject({ name: 'cap', attributes: { bytes: 9 } });
    for (const [type, attributes] of [
      ['bandwidth', { rate: 0 }],
      ['slow_close', { delay: 0 }],
      ['timeout', { timeout: 0 }],
      ['reset_peer', { timeout: 0 }],
    ] as const) {
      expect((await proxy.addToxic(toxicBody({ type, stream: 'upstream' }))).toJson()).toMatchObject({ name: `${type}_upstream`, attributes });
    }
    // Listed upstream first, then downstream, each in the order added.
    const list = JSON.parse((await call('GET', '/proxies/tox/toxics')).text).map((t: { name: string }) => t.name);
    expect(list).toEqual(['slicer_upstream', 'bandwidth_upstream', 'slow_close_upstream', 'timeout_upstream', 'reset_peer_upstream', 'latency_downstream', 'cap']);
    expect((await proxy.getToxic('cap')).toJson()).toEqual(named.toJson());
  });

  it('refuses a duplicate toxic name with 409, an unknown type or stream and badly typed attributes with 400', async () => {
    await toxiproxy.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: upstream.address });
    const path = '/proxies/tox/toxics';
    expect((await call('POST', path, { type: 'latency', stream: 'upstream' })).status).toBe(200);
    expect(await call('POST', path, { type: 'latency', stream: 'upstream' })).toEqual(apiError('toxic already exists', 409));
    expect(await call('POST', path, { type: 'bandwidth', name: 'latency_upstream' })).toEqual(apiError('toxic already exists', 409));
    expect(await call('POST', path, { type: 'walrus' })).toEqual(apiError('invalid toxic type', 400));
    expect(await call('POST', path, {})).toEqual(apiError('invalid toxic type', 400));
    expect(await call('POST', path, { type: 'latency', stream: 'sideways' })).toEqual(apiError('stream was invalid, can be either upstream or downstream', 400));
    expect(await call('POST', path, { type: 'latency', attributes: { latency: 'slow' } })).toEqual(
      apiError('bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.latency of type int64', 400),
    );
    expect((await call('POST', path, { type: 'latency', attributes: { latency: 1.5 } })).status).toBe(400);
    expect(await call('POST', path, '')).toEqual(apiError('bad request body: EOF', 400));
    expect(await call('GET', `${path}/nope`)).toEqual(apiError('toxic not found', 404));
    expect(await call('POST', `${path}/nope`, {})).toEqual(apiError('toxic not found', 404));
    expect(await call('DELETE', `${path}/nope`)).toEqual(apiError('toxic not found', 404));
  });

  it('POST or PATCH /proxies/{name}/toxics/{toxic} changes the attributes given and the toxicity, answering 200', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: upstream.address });
    const toxic = await proxy.addToxic(toxicBody({ type: 'latency', attributes: { latency: 100, jitter: 10 } }));
    const updated = await toxic.update(toxicBody({ attributes: { latency: 1000 } as never }));
    expect(updated.toJson()).toEqual({ ...toxic.toJson(), attributes: { latency: 1000, jitter: 10 } });
    const patched = await call('PATCH', '/proxies/tox/toxics/latency_downstream', { toxicity: 0.25, name: 'renamed', stream: 'upstream' });
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.text)).toEqual({ ...updated.toJson(), toxicity: 0.25 });
  });

  it('DELETE /proxies/{name}/toxics/{toxic} answers 204 and the toxic is gone', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: upstream.address });
    const toxic = await proxy.addToxic(toxicBody({ type: 'timeout', attributes: { timeout: 0 } }));
    expect(await call('DELETE', '/proxies/tox/toxics/timeout_downstream')).toEqual({ status: 204, type: null, text: '' });
    expect(await call('GET', '/proxies/tox/toxics')).toMatchObject({ status: 200, text: '[]' });
    await expect(toxic.remove()).rejects.toThrow('Request failed with status code 404');
  });
});

describe('populate and reset', () => {
  it('POST /populate answers 201 with the proxies, creating new ones, replacing changed ones and leaving the same ones alone', async () => {
    const kept = await toxiproxy.createProxy({ name: 'kept', listen: '127.0.0.1:0', upstream: upstream.address });
    await kept.addToxic(toxicBody({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));
    const changed = await toxiproxy.createProxy({ name: 'changed', listen: '127.0.0.1:0', upstream: upstream.address });
    await changed.addToxic(toxicBody({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));
    const other = await toxiproxy.createProxy({ name: 'other', listen: '127.0.0.1:0', upstream: upstream.address });

    const result = await toxiproxy.populate([
      { name: 'kept', listen: kept.listen, upstream: upstream.address },
      { name: 'changed', listen: changed.listen, upstream: '127.0.0.1:1' },
      { name: 'new', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false },
    ]);
    expect(Object.keys(result)).toEqual(['kept', 'changed', 'new']);
    const all = JSON.parse((await call('GET', '/proxies')).text);
    expect(all.kept.toxics).toHaveLength(1);
    expect(all.changed).toEqual({ name: 'changed', listen: changed.listen, upstream: '127.0.0.1:1', enabled: true, toxics: [] });
    expect(all.new).toEqual({ name: 'new', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false, toxics: [] });
    expect(all.other).toEqual({ ...other.toJson(), toxics: [] });

    const raw = await call('POST', '/populate', [{ name: 'raw', listen: '127.0.0.1:0', upstream: upstream.address }]);
    expect(raw.status).toBe(201);
    expect(JSON.parse(raw.text).proxies).toEqual([expect.objectContaining({ name: 'raw', enabled: true })]);
  });

  it('POST /populate refuses a body that is not a list of named proxies with upstreams, changing nothing', async () => {
    const missing = await call('POST', '/populate', [{ name: 'ok', listen: '127.0.0.1:0', upstream: upstream.address }, { name: 'bad', listen: '127.0.0.1:0' }]);
    expect(missing).toEqual({ status: 400, type: 'application/json', text: '{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}' });
    expect((await call('POST', '/populate', { name: 'x' })).status).toBe(400);
    expect((await call('POST', '/populate', '')).status).toBe(400);
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it('POST /reset answers 204, enables every proxy and removes every toxic', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: upstream.address });
    await proxy.addToxic(toxicBody({ type: 'latency', stream: 'upstream', attributes: { latency: 1, jitter: 0 } }));
    await proxy.addToxic(toxicBody({ type: 'bandwidth', attributes: { rate: 1 } }));
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(await call('POST', '/reset')).toEqual({ status: 204, type: null, text: '' });
    expect(JSON.parse((await call('GET', '/proxies/r')).text)).toEqual({ ...proxy.toJson(), enabled: true, toxics: [] });
    await toxiproxy.reset();
    expect(await refused(portOf(proxy.listen))).toBe(false);
  });
});
