import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { intOption, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { formatTable } from './format';

export interface DevClusterOptions {
  nodes: number;
  dataDir: string;
  port: number;
  /** All nodes on 127.0.0.1 with distinct ports (the default off Linux, where only 127.0.0.1 exists). */
  sameHost: boolean;
}

export interface DevNode {
  nodeId: number;
  host: string;
  port: number;
  peerPort: number;
  dataDir: string;
  /** Arguments of `flotilla start` for this node. */
  args: string[];
}

/** Where each node of a local cluster listens, and the `flotilla start` arguments that say so. */
export function devClusterLayout(options: DevClusterOptions, cwd: string): DevNode[] {
  const nodes = Array.from({ length: options.nodes }, (_, k) => {
    const nodeId = k + 1;
    const host = options.sameHost ? '127.0.0.1' : `127.0.0.${nodeId}`;
    const port = options.sameHost ? options.port + k : options.port;
    return { nodeId, host, port, peerPort: port + 100, dataDir: join(resolve(cwd, options.dataDir), `node-${nodeId}`) };
  });
  const peers = nodes.map((n) => `${n.nodeId}=${n.host}:${n.peerPort}`).join(',');
  return nodes.map((n) => ({
    ...n,
    args: ['start', '--node-id', String(n.nodeId), '--host', n.host, '--port', String(n.port), '--peer-port', String(n.peerPort), '--data', n.dataDir, '--peers', peers],
  }));
}

export function devClusterCommand(ctx: CommandContext): Promise<number> {
  const v = ctx.args.values;
  const name = ctx.command.name;
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, name);
  return devCluster(ctx, {
    nodes: intOption(v, 'nodes', name, { min: 1, max: 9 }) ?? 3,
    dataDir: stringOption(v, 'data') ?? './data',
    port: intOption(v, 'port', name, { min: 1, max: 65_000 }) ?? 7001,
    sameHost: v['same-host'] === true || process.platform !== 'linux',
  });
}

/** Runs each node as a `flotilla start` child process, prefixing its output, until Ctrl-C. */
export async function devCluster(ctx: CommandContext, options: DevClusterOptions): Promise<number> {
  const layout = devClusterLayout({ ...options, sameHost: options.sameHost || process.platform !== 'linux' }, process.cwd());
  const launcher = fileURLToPath(new URL('../../bin/flotilla.js', import.meta.url));
  const brokers = layout.map((n) => `${n.host}:${n.port}`).join(',');
  ctx.io.stderr.write(formatTable(['node', 'clients', 'peers', 'data'], layout.map((n) => [n.nodeId, `${n.host}:${n.port}`, `${n.host}:${n.peerPort}`, n.dataDir])));
  ctx.io.stderr.write(`\nbrokers: ${brokers}\n  (export FLOTILLA_BROKERS=${brokers} for the other commands)\nCtrl-C stops every node.\n\n`);

  const children = new Map<number, ChildProcess>();
  let failed = false;
  const exited = layout.map(
    (n) =>
      new Promise<void>((done) => {
        const child = spawn(process.execPath, [launcher, ...n.args], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.set(n.nodeId, child);
        for (const stream of [child.stdout, child.stderr]) {
          createInterface({ input: stream! }).on('line', (line) => ctx.io.stderr.write(`[node ${n.nodeId}] ${line}\n`));
        }
        child.on('exit', (code, signal) => {
          children.delete(n.nodeId);
          if (!ctx.io.signal.aborted) {
            failed = true;
            ctx.io.stderr.write(`[node ${n.nodeId}] exited (${signal ?? `code ${code}`})\n`);
          }
          done();
        });
      }),
  );
  const stopAll = () => {
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 10_000).unref();
  };
  ctx.io.signal.addEventListener('abort', stopAll, { once: true });
  await Promise.all(exited);
  ctx.io.signal.removeEventListener('abort', stopAll);
  return failed ? 1 : 0;
}
