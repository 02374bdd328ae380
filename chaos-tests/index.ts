/**
 * The chaos lab's public face. For now: the fault proxy, a TypeScript server of Toxiproxy 2.x's
 * HTTP API (the real Toxiproxy is a Go binary that cannot be installed here), and the way a lab
 * finds the Toxiproxy to use: the one `TOXIPROXY_URL` names, or one started in this process.
 */
import { ToxiproxyServer } from './toxiproxy/server';

export { TOXIPROXY_VERSION, ToxiproxyServer, type ToxiproxyServerOptions } from './toxiproxy/server';
export type { ProxyJson } from './toxiproxy/proxy';
export type { ToxicJson } from './toxiproxy/toxic';
export type { ToxicType } from './toxiproxy/toxics';
export { computeSeries, faultWindows, parseResults, renderReport, reportFromDir, writeReport, type ChaosResults, type CheckerVerdict, type FaultWindow, type RecoveryTime, type RenderOptions, type ReportAnomaly, type ReportInput, type ReportSeries } from './report';

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
