/**
 * `flotilla toxiproxy`: runs the fault proxy as a server, as Toxiproxy's `toxiproxy-server` does
 * (same default port, same `--config` populate file), until the signal aborts.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ToxiproxyServer, TOXIPROXY_VERSION } from './server';

export const TOXIPROXY_HELP = `Usage: flotilla toxiproxy [options]

Runs a fault proxy that speaks Toxiproxy ${TOXIPROXY_VERSION}'s HTTP API: any Toxiproxy client
(toxiproxy-node-client, toxiproxy-cli, ...) creates TCP proxies on it and adds toxics to them
(latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data). Ctrl-C stops it.

Options:
  --host HOST     address the API listens on (default 127.0.0.1)
  --port PORT     port of the API (default 8474, Toxiproxy's; 0 picks a free one)
  --config FILE   proxies to create at start: a JSON array of {"name", "listen", "upstream",
                  "enabled"}, Toxiproxy's populate format
  -h, --help      this help

Examples:
  flotilla toxiproxy
  flotilla toxiproxy --port 0 --config chaos/proxies.json
  TOXIPROXY_URL=http://127.0.0.1:8474 npx toxiproxy-cli list
`;

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Parses `argv` (what follows `toxiproxy`), serves until `signal` aborts, and returns the exit code. */
export async function runToxiproxyCommand(argv: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
  let options: { host: string; port: number; config: string | undefined; help: boolean };
  try {
    options = parseOptions(argv);
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\nRun "flotilla toxiproxy --help" for usage.\n`);
    return 1;
  }
  if (options.help) {
    io.stdout.write(TOXIPROXY_HELP);
    return 0;
  }
  let config: unknown;
  if (options.config !== undefined) {
    try {
      config = JSON.parse(await readFile(options.config, 'utf8'));
    } catch (error) {
      io.stderr.write(`error: cannot read the config ${options.config}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  let server: ToxiproxyServer;
  try {
    server = await ToxiproxyServer.start({ host: options.host, port: options.port });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? 'the port is in use (another toxiproxy?); choose one with --port' : e.message;
    io.stderr.write(`error: cannot serve the API on ${options.host}:${options.port}: ${why}\n`);
    return 1;
  }
  io.stdout.write(`flotilla toxiproxy: Toxiproxy ${TOXIPROXY_VERSION} API on ${server.url}\n`);
  if (config !== undefined) {
    try {
      for (const p of await server.populate(config)) {
        io.stdout.write(`proxy ${p.name}: ${p.listen} -> ${p.upstream}${p.enabled ? '' : ' (disabled)'}\n`);
      }
    } catch (error) {
      io.stderr.write(`error: the config ${options.config}: ${(error as Error).message}\n`);
      await server.close();
      return 1;
    }
  }
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  await server.close();
  return 0;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8474' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a port number (0-65535), not "${values.port}"`);
  return { host: values.host, port, config: values.config, help: values.help };
}
