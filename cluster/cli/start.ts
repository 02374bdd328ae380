import { resolve } from 'node:path';
import { StoreOpenError } from '../../log-store';
import { type NodeStartOptions, startNode } from '../node';
import { CliError, intOption, type ParsedCommand, stringOption, UsageError } from './args';
import type { CommandContext } from './context';
import { devCluster } from './dev-cluster';

const NAME = 'start';

/** "1=h:1,2=h:2" -> [{id: 1, address: "h:1"}, ...], checked. */
export function parsePeers(text: string): Array<{ id: number; address: string }> {
  const peers = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((item) => {
      const m = /^(\d+)=([^\s:=,]+:\d+)$/.exec(item);
      if (!m) throw new UsageError(`--peers entry "${item}" is not ID=HOST:PORT (for example 2=127.0.0.2:7101)`, NAME);
      const id = Number(m[1]);
      if (!(id >= 1 && Number.isSafeInteger(id))) throw new UsageError(`node ids are integers >= 1 (got ${m[1]})`, NAME);
      return { id, address: m[2] };
    });
  const ids = new Set<number>();
  for (const p of peers) {
    if (ids.has(p.id)) throw new UsageError(`--peers names node ${p.id} twice`, NAME);
    ids.add(p.id);
  }
  return peers;
}

/** The node's options from `flotilla start` arguments, with defaults and checks. */
export function startOptions(values: ParsedCommand['values'], cwd: string): NodeStartOptions {
  const nodeId = intOption(values, 'node-id', NAME, { min: 1 }) ?? 1;
  const host = stringOption(values, 'host') ?? '127.0.0.1';
  const clientPort = intOption(values, 'port', NAME, { min: 1, max: 65535 }) ?? 7001;
  const peerPort = intOption(values, 'peer-port', NAME, { min: 1, max: 65535 }) ?? clientPort + 100;
  if (peerPort === clientPort) throw new UsageError('--peer-port must differ from --port', NAME);
  const advertisedAddress = stringOption(values, 'advertise') ?? `${host === '0.0.0.0' ? '127.0.0.1' : host}:${clientPort}`;
  if (!/^[^\s:]+:\d+$/.test(advertisedAddress)) throw new UsageError(`--advertise "${advertisedAddress}" is not HOST:PORT`, NAME);
  const peersText = stringOption(values, 'peers');
  const join = stringOption(values, 'join');
  if (join !== undefined && peersText !== undefined) throw new UsageError('--join learns the peers from the cluster: drop --peers', NAME);
  if (join !== undefined && !/^[^\s:]+:\d+$/.test(join)) throw new UsageError(`--join "${join}" is not HOST:PORT (the peer address of any node of the cluster)`, NAME);
  if (join !== undefined && intOption(values, 'node-id', NAME, { min: 1 }) === undefined) throw new UsageError('--join needs --node-id: an id no node of the cluster has', NAME);
  const peers = peersText !== undefined ? parsePeers(peersText) : [{ id: nodeId, address: `${host}:${peerPort}` }];
  if (!peers.some((p) => p.id === nodeId)) {
    throw new UsageError(`--peers must include this node (--node-id ${nodeId}) with its own peer address`, NAME);
  }
  return { nodeId, dataDir: resolve(cwd, stringOption(values, 'data') ?? './data'), host, clientPort, peerPort, advertisedAddress, peers, ...(join ? { join } : {}) };
}

export async function start(ctx: CommandContext): Promise<number> {
  const v = ctx.args.values;
  if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, NAME);
  const clusterSize = intOption(v, 'cluster', NAME, { min: 1, max: 9 });
  if (clusterSize !== undefined) {
    for (const only of ['node-id', 'peers', 'join', 'advertise', 'peer-port', 'host']) {
      if (v[only] !== undefined) throw new UsageError(`--cluster runs its own nodes: drop --${only}`, NAME);
    }
    return devCluster(ctx, { nodes: clusterSize, dataDir: stringOption(v, 'data') ?? './data', port: intOption(v, 'port', NAME, { min: 1, max: 65535 }) ?? 7001, sameHost: false });
  }
  const options = startOptions(v, process.cwd());
  const node = await startNode(options).catch((e: unknown) => {
    // The node refuses its data directory: the message says why and what to do, a stack would not.
    throw e instanceof StoreOpenError ? new CliError(e.message) : e;
  });
  ctx.io.stderr.write(
    `flotilla node ${options.nodeId}: clients on ${options.host}:${options.clientPort}, peers on ${options.host}:${options.peerPort}, data in ${options.dataDir}` +
      `${options.peers.length > 1 ? `, cluster of ${options.peers.length}` : ', single-node cluster'}. Ctrl-C to stop.\n`,
  );
  await new Promise<void>((done) => {
    if (ctx.io.signal.aborted) done();
    else ctx.io.signal.addEventListener('abort', () => done(), { once: true });
  });
  ctx.io.stderr.write(`flotilla node ${options.nodeId}: stopping\n`);
  await node.stop();
  return 0;
}
