/**
 * The server's proxies by name (Toxiproxy's ProxyCollection): guards against duplicate names and
 * implements populate, "create or replace a list of proxies".
 */
import { jsonKind, StructFields } from './decode';
import { ApiError, ErrBadRequestBody, ErrMissingField, ErrProxyAlreadyExists, ErrProxyNotFound } from './errors';
import { TcpProxy } from './proxy';

/** A proxy as a create or populate body describes it. */
export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, TcpProxy>();

  /** Every proxy, by name in Go's map order for JSON: sorted. */
  all(): TcpProxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): TcpProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound;
    return proxy;
  }

  /** Creates a proxy, listening at once if enabled; a name in use is a 409, a listen failure a 500. */
  async add(spec: ProxySpec): Promise<TcpProxy> {
    if (this.proxies.has(spec.name)) throw ErrProxyAlreadyExists;
    return this.put(spec);
  }

  /** A new proxy under `spec.name`, started if enabled; if it cannot listen, nothing is stored. */
  private async put(spec: ProxySpec): Promise<TcpProxy> {
    const proxy = new TcpProxy(spec.name, spec.listen, spec.upstream);
    if (spec.enabled) await proxy.start();
    this.proxies.set(spec.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    await proxy.stop();
    this.proxies.delete(name);
  }

  /** Stops and forgets every proxy. */
  async clear(): Promise<void> {
    for (const proxy of this.all()) await this.remove(proxy.name);
  }

  /**
   * Creates or replaces the proxies of a populate body (an array of proxies; `enabled` defaults to
   * true). A proxy whose listen and upstream are those asked for is left as it is (its toxics and
   * state included); one that differs is stopped and replaced by a new one. Proxies not named are
   * left alone. The whole body is checked before anything changes; a proxy that fails to listen
   * stops the populate there, as in Toxiproxy.
   */
  async populate(body: unknown): Promise<TcpProxy[]> {
    const specs = parsePopulate(body);
    const result: TcpProxy[] = [];
    for (const spec of specs) {
      const existing = this.proxies.get(spec.name);
      if (existing && existing.listen === spec.listen && existing.upstream === spec.upstream) {
        result.push(existing);
        continue;
      }
      // If the new one cannot listen, the old one stays, stopped, as in Toxiproxy.
      await existing?.stop();
      result.push(await this.put(spec));
    }
    return result;
  }
}

/** A `POST /proxies` body: name and upstream are required, enabled defaults to true. */
export function parseProxySpec(body: unknown): ProxySpec {
  const fields = StructFields.of(body, 'toxiproxy.Proxy');
  const spec = readSpec(fields);
  if (spec.name === '') throw ApiError.joined(ErrMissingField, 'name');
  if (spec.upstream === '') throw ApiError.joined(ErrMissingField, 'upstream');
  return spec;
}

function readSpec(fields: StructFields): ProxySpec {
  return {
    name: fields.string('name') ?? '',
    listen: fields.string('listen') ?? '',
    upstream: fields.string('upstream') ?? '',
    enabled: fields.bool('enabled') ?? true,
  };
}

function parsePopulate(body: unknown): ProxySpec[] {
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw ApiError.joined(ErrBadRequestBody, `json: cannot unmarshal ${jsonKind(body)} into Go value of type []toxiproxy.Proxy`);
  }
  return body.map((item, i) => {
    const spec = readSpec(StructFields.of(item, 'toxiproxy.Proxy', `Go value`));
    if (spec.name === '') throw ApiError.joined(ErrMissingField, `name at proxy ${i + 1}`);
    if (spec.upstream === '') throw ApiError.joined(ErrMissingField, `upstream at proxy ${i + 1}`);
    return spec;
  });
}
