import { ToxiproxyServer } from '../toxiproxy/server';

/** A Toxiproxy to drive: its URL, whether it runs elsewhere, and how to let go of it. */
export interface ToxiproxyHandle {
  url: string;
  /** True when it is the one `TOXIPROXY_URL` names (a real Toxiproxy, or one run by someone else). */
  external: boolean;
  /** Stops the in-process server; for an external one, does nothing. */
  close(): Promise<void>;
}

/**
 * The Toxiproxy the chaos lab drives: the one at `TOXIPROXY_URL` if set (so the lab runs against
 * a real Toxiproxy unchanged), otherwise this fault proxy, started in-process on a free port.
 */
export async function openToxiproxy(env: NodeJS.ProcessEnv = process.env): Promise<ToxiproxyHandle> {
  const external = env.TOXIPROXY_URL?.trim();
  if (external) return { url: external.replace(/\/+$/, ''), external: true, close: async () => undefined };
  const server = await ToxiproxyServer.start({ port: 0 });
  return { url: server.url, external: false, close: () => server.close() };
}
