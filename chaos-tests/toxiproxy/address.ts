/**
 * `host:port` addresses as Toxiproxy (Go's net package) reads and writes them: `[::1]:80` for IPv6,
 * `:8080` for every interface, and a listener's address written back as Go's `Addr().String()`
 * (`127.0.0.1:43021`, `[::]:43021`), which is what a proxy's `listen` becomes once it listens.
 */
import { lookup } from 'node:dns/promises';
import { isIP, type AddressInfo } from 'node:net';

export interface HostPort {
  /** Empty for "every interface". */
  host: string;
  port: number;
}

/** Splits `host:port` as Go's net.SplitHostPort does; throws an Error with Go's wording otherwise. */
export function splitHostPort(address: string): HostPort {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) throw new Error(`address ${address}: missing ']' in address`);
    if (address[close + 1] !== ':') throw new Error(`address ${address}: missing port in address`);
    host = address.slice(1, close);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new Error(`address ${address}: missing port in address`);
    host = address.slice(0, colon);
    if (host.includes(':')) throw new Error(`address ${address}: too many colons in address`);
    portText = address.slice(colon + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`address ${address}: unknown port`);
  return { host, port };
}

/** A bound socket's address as Go writes it. */
export function formatAddress(info: AddressInfo): string {
  return info.family === 'IPv6' || info.address.includes(':') ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/**
 * The IP to listen on for `host`: an IP literal as is, a name resolved preferring IPv4 (as Go's
 * net.Listen does, so `localhost:0` listens on 127.0.0.1), `undefined` for every interface.
 */
export async function listenIp(host: string): Promise<string | undefined> {
  if (host === '') return undefined;
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return (await lookup(host)).address;
  }
}
