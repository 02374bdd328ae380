/**
 * Toxiproxy 2.x's HTTP API (api.go): the routes, what each answers, and its status codes.
 *
 *   POST   /reset                               204   enable every proxy, remove every toxic
 *   GET    /proxies                             200   {name: proxy} for every proxy
 *   POST   /proxies                             201   create (409 name taken, 400 bad body, 500 cannot listen)
 *   POST   /populate                            201   {"proxies": [...]}: create or replace
 *   GET    /proxies/{proxy}                     200   (404 no such proxy)
 *   POST   /proxies/{proxy}  (or PATCH)         200   update listen, upstream, enabled
 *   DELETE /proxies/{proxy}                     204
 *   GET    /proxies/{proxy}/toxics              200   [toxic, ...]
 *   POST   /proxies/{proxy}/toxics              200   create (409 name taken, 400 bad type/stream/body)
 *   GET    /proxies/{proxy}/toxics/{toxic}      200   (404 no such toxic)
 *   POST   /proxies/{proxy}/toxics/{toxic}      200   update attributes, toxicity (or PATCH)
 *   DELETE /proxies/{proxy}/toxics/{toxic}      204
 *   GET    /version                             200   {"version": "..."}
 *
 * Errors are `{"error": "...", "status": N}` plus a newline, as Go's http.Error sends them (with
 * its text/plain content type). An unknown path is a plain 404, a known path with another method a
 * 405 with no body (gorilla/mux's answers), and a browser's User-Agent a 403, as in Toxiproxy.
 */
import { parseBody, StructFields } from './decode';
import { asApiError, type ApiError } from './errors';
import { parseProxySpec, type ProxyCollection } from './proxy-collection';
import { toxicJson } from './toxic';

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiRequest {
  method: string;
  /** The URL's path, still percent-encoded. */
  path: string;
  userAgent: string;
  body: string;
}

type Handler = (params: string[], body: string) => Promise<ApiResponse>;

interface Route {
  /** Path segments; `*` matches one non-empty segment, passed to the handler. */
  pattern: string[];
  methods: Record<string, Handler>;
}

export class ToxiproxyApi {
  private readonly routes: Route[];

  constructor(
    private readonly proxies: ProxyCollection,
    private readonly version: string,
  ) {
    const updateProxy: Handler = ([name], body) => this.proxyUpdate(name, body);
    const updateToxic: Handler = ([proxy, toxic], body) => this.toxicUpdate(proxy, toxic, body);
    this.routes = [
      { pattern: ['reset'], methods: { POST: () => this.reset() } },
      { pattern: ['proxies'], methods: { GET: () => this.proxyIndex(), POST: (_, body) => this.proxyCreate(body) } },
      { pattern: ['populate'], methods: { POST: (_, body) => this.populate(body) } },
      {
        pattern: ['proxies', '*'],
        methods: { GET: ([name]) => this.proxyShow(name), POST: updateProxy, PATCH: updateProxy, DELETE: ([name]) => this.proxyDelete(name) },
      },
      {
        pattern: ['proxies', '*', 'toxics'],
        methods: { GET: ([proxy]) => this.toxicIndex(proxy), POST: ([proxy], body) => this.toxicCreate(proxy, body) },
      },
      {
        pattern: ['proxies', '*', 'toxics', '*'],
        methods: {
          GET: ([proxy, toxic]) => this.toxicShow(proxy, toxic),
          POST: updateToxic,
          PATCH: updateToxic,
          DELETE: ([proxy, toxic]) => this.toxicDelete(proxy, toxic),
        },
      },
      { pattern: ['version'], methods: { GET: () => this.versionShow() } },
    ];
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
    if (request.userAgent.startsWith('Mozilla/')) return text(403, 'User agent not allowed\n');
    const segments = request.path.split('/').slice(1);
    for (const route of this.routes) {
      const params = match(route.pattern, segments);
      if (!params) continue;
      const handler = route.methods[request.method];
      if (!handler) return { status: 405, headers: {}, body: '' };
      try {
        return await handler(params, request.body);
      } catch (error) {
        return errorResponse(asApiError(error));
      }
    }
    return text(404, '404 page not found\n');
  }

  private async reset(): Promise<ApiResponse> {
    for (const proxy of this.proxies.all()) {
      await proxy.start();
      await proxy.toxics.reset();
    }
    return noContent();
  }

  private async proxyIndex(): Promise<ApiResponse> {
    return json(200, Object.fromEntries(this.proxies.all().map((p) => [p.name, p.toJSON()])));
  }

  private async proxyCreate(body: string): Promise<ApiResponse> {
    const proxy = await this.proxies.add(parseProxySpec(parseBody(body)));
    return json(201, proxy.toJSON());
  }

  /** Populate answers its errors as JSON with the proxies field too (null), unlike the others. */
  private async populate(body: string): Promise<ApiResponse> {
    try {
      const proxies = await this.proxies.populate(parseBody(body));
      return json(201, { proxies: proxies.map((p) => p.toJSON()) });
    } catch (error) {
      const e = asApiError(error);
      return json(e.status, { ...e.toJSON(), proxies: null });
    }
  }

  private async proxyShow(name: string): Promise<ApiResponse> {
    return json(200, this.proxies.get(name).toJSON());
  }

  /** Fields left out keep their values; a new listen or upstream restarts the proxy. */
  private async proxyUpdate(name: string, body: string): Promise<ApiResponse> {
    const proxy = this.proxies.get(name);
    const fields = StructFields.of(parseBody(body), 'toxiproxy.Proxy');
    await proxy.update({
      listen: fields.string('listen') ?? proxy.listen,
      upstream: fields.string('upstream') ?? proxy.upstream,
      enabled: fields.bool('enabled') ?? proxy.enabled,
    });
    return json(200, proxy.toJSON());
  }

  private async proxyDelete(name: string): Promise<ApiResponse> {
    await this.proxies.remove(name);
    return noContent();
  }

  private async toxicIndex(proxy: string): Promise<ApiResponse> {
    return json(200, this.proxies.get(proxy).toxics.list().map(toxicJson));
  }

  private async toxicCreate(proxy: string, body: string): Promise<ApiResponse> {
    const toxics = this.proxies.get(proxy).toxics;
    return json(200, toxicJson(toxics.add(parseBody(body))));
  }

  private async toxicShow(proxy: string, toxic: string): Promise<ApiResponse> {
    return json(200, toxicJson(this.proxies.get(proxy).toxics.get(toxic)));
  }

  private async toxicUpdate(proxy: string, toxic: string, body: string): Promise<ApiResponse> {
    const toxics = this.proxies.get(proxy).toxics;
    toxics.get(toxic); // a missing toxic is a 404 before the body is read, as in Toxiproxy
    return json(200, toxicJson(await toxics.update(toxic, parseBody(body))));
  }

  private async toxicDelete(proxy: string, toxic: string): Promise<ApiResponse> {
    await this.proxies.get(proxy).toxics.remove(toxic);
    return noContent();
  }

  private async versionShow(): Promise<ApiResponse> {
    return { status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: `{"version": "${this.version}"}\n` };
  }
}

/** The decoded path parameters if `segments` fit `pattern`. */
function match(pattern: string[], segments: string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') {
      if (segments[i] === '') return undefined;
      try {
        params.push(decodeURIComponent(segments[i]));
      } catch {
        return undefined;
      }
    } else if (pattern[i] !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

function json(status: number, value: unknown): ApiResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

function text(status: number, body: string): ApiResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body };
}

function noContent(): ApiResponse {
  return { status: 204, headers: {}, body: '' };
}

function errorResponse(error: ApiError): ApiResponse {
  return text(error.status, JSON.stringify(error) + '\n');
}
