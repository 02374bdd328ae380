/**
 * Process-level test harness: a Flotilla cluster of real `flotilla start` processes (real gRPC,
 * real LevelDB) on 127.0.0.1 .. 127.0.0.N (Linux loopback), one fresh temp data dir per node.
 *
 * ```ts
 * const cluster = await ProcessCluster.start({ nodes: 3 });
 * try {
 *   const flotilla = cluster.client();
 *   ...
 *   await cluster.kill(2);        // SIGKILL
 *   await cluster.restart(2);     // same arguments, same data dir
 * } finally {
 *   await cluster.cleanup();      // kills leftovers, removes the data dirs
 * }
 * ```
 *
 * Every node's stdout/stderr is kept (timestamped, per node); `dumpLogs()` prints them, and
 * `dumpLogsOnFailure()` (called inside a test) prints them if that test fails. Set
 * FLOTILLA_E2E_KEEP=1 to keep the data dirs, FLOTILLA_E2E_VERBOSE=1 to echo node output live.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { Level } from 'level';
import { onTestFailed } from 'vitest';
import { LogStore } from '../../log-store';
import { decodeIdentity } from '../../log-store/codec';
import { NODE_KEY } from '../../log-store/keys';
import type { Entry } from '../../raft';
import {
  type ClusterDescription,
  type FlotillaClient,
  loadFlotillaProto,
  type PartitionDescription,
  type TopicDescription,
} from '../../proto/load';
import { type Admin, CLIENT_CHANNEL_OPTIONS, type ConsumedRecord, type Consumer, Flotilla, type FlotillaOptions } from '../client';
import { LinkProxies } from './link-proxy';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LAUNCHER = fileURLToPath(new URL('../../bin/flotilla.js', import.meta.url));

/** Raft timing for tests (the brief: FLOTILLA_TICK_MS=50). */
export const TEST_ENV: Record<string, string> = { FLOTILLA_TICK_MS: '50' };

export interface ProcessClusterOptions {
  /** Number of nodes (default 3), on 127.0.0.1 .. 127.0.0.N. */
  nodes?: number;
  /** Extra environment for every node (added to TEST_ENV and process.env). */
  env?: Record<string, string>;
  /** Used in temp dir names. */
  name?: string;
  /** Wait for every node to print its "clients on" line (default 30 s each). */
  listenTimeoutMs?: number;
  /** Then wait until the cluster is ready (default 60 s); 0 = do not wait. */
  readyTimeoutMs?: number;
  /**
   * Route every peer link through its own TCP proxy (cluster.links: cut, heal, isolate): node I's
   * --peers names node J at the proxy I->J. Clients still reach every node directly.
   */
  linkProxies?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface NodeProc {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly peerPort: number;
  readonly dataDir: string;
  /** Incremented at every start of the process. */
  generation: number;
  child?: ChildProcess;
  exited?: Promise<ExitInfo>;
  listening: boolean;
  listeners: Array<() => void>;
  lastExit?: ExitInfo;
  /** Set while the harness itself stops or kills the node (an exit is expected). */
  stopping: boolean;
  /** SIGSTOPped by pause(). */
  paused?: boolean;
  /** Started with `--join` through this peer address (a node added to the running cluster). */
  join?: string;
  log: string[];
}

const MAX_LOG_LINES = 20_000;
const live = new Set<ProcessCluster>();
let exitHookInstalled = false;

/** Never leave node processes behind, even if the test process exits abruptly. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.killAllNow();
  });
}

export class ProcessCluster {
  readonly size: number;
  /** Client port of every node (each on its own 127.0.0.x). */
  readonly port: number;
  /** Peer port of every node: port + 100. */
  readonly peerPort: number;
  private readonly nodes = new Map<number, NodeProc>();
  private readonly env: Record<string, string>;
  private readonly listenTimeoutMs: number;
  private readonly started = Date.now();
  private readonly clients: Flotilla[] = [];
  private readonly raw = new Map<string, FlotillaClient>();
  private cleaned = false;
  private readonly name: string;
  private proxies: LinkProxies | undefined;

  private constructor(size: number, port: number, options: ProcessClusterOptions) {
    this.size = size;
    this.port = port;
    this.peerPort = port + 100;
    this.env = { ...TEST_ENV, ...(options.env ?? {}) };
    this.listenTimeoutMs = options.listenTimeoutMs ?? 30_000;
    const name = (options.name ?? 'e2e').replace(/[^a-zA-Z0-9_-]/g, '_');
    this.name = name;
    for (let id = 1; id <= size; id++) {
      this.nodes.set(id, {
        id,
        host: `127.0.0.${id}`,
        port,
        peerPort: port + 100,
        dataDir: mkdtempSync(join(tmpdir(), `flotilla-${name}-n${id}-`)),
        generation: 0,
        listening: false,
        listeners: [],
        stopping: false,
        log: [],
      });
    }
  }

  /** Starts every node and (unless readyTimeoutMs is 0) waits until the cluster is ready. */
  static async start(options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    const size = options.nodes ?? 3;
    const port = await freePortBase(size);
    const cluster = new ProcessCluster(size, port, options);
    live.add(cluster);
    installExitHook();
    try {
      if (options.linkProxies) {
        cluster.proxies = await LinkProxies.start(cluster.ids(), (id) => ({ host: cluster.node(id).host, port: cluster.node(id).peerPort }));
      }
      await Promise.all(cluster.ids().map((id) => cluster.spawnNode(id)));
      const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
      if (readyTimeoutMs > 0) await cluster.waitReady(readyTimeoutMs);
    } catch (error) {
      cluster.dumpLogs(`cluster failed to start: ${(error as Error).message}`);
      await cluster.cleanup();
      throw error;
    }
    return cluster;
  }

  ids(): number[] {
    return [...this.nodes.keys()];
  }

  /** Client addresses (host:port) of every node, running or not. */
  get brokers(): string[] {
    return this.ids().map((id) => this.address(id));
  }

  /** The client address of a node. */
  address(nodeId: number): string {
    const n = this.node(nodeId);
    return `${n.host}:${n.port}`;
  }

  /** The node id of a client address, or undefined. */
  nodeIdOf(address: string): number | undefined {
    return this.ids().find((id) => this.address(id) === address);
  }

  dataDir(nodeId: number): string {
    return this.node(nodeId).dataDir;
  }

  isRunning(nodeId: number): boolean {
    return this.node(nodeId).child !== undefined;
  }

  running(): number[] {
    return this.ids().filter((id) => this.isRunning(id));
  }

  /** How the last run of the node ended (after kill / stop / a crash). */
  lastExit(nodeId: number): ExitInfo | undefined {
    return this.node(nodeId).lastExit;
  }

  /** The per-link proxies (started with `linkProxies: true`). */
  get links(): LinkProxies {
    if (!this.proxies) throw new Error('this cluster was started without linkProxies: true');
    return this.proxies;
  }

  /** `flotilla start` arguments of a node. With link proxies, every other node is named at the proxy of that link. */
  args(nodeId: number): string[] {
    const n = this.node(nodeId);
    if (n.join) return ['start', '--node-id', String(n.id), '--host', n.host, '--port', String(n.port), '--peer-port', String(n.peerPort), '--data', n.dataDir, '--join', n.join];
    const peers = this.ids()
      .map((id) => `${id}=${this.proxies && id !== nodeId ? this.proxies.address(nodeId, id) : `${this.node(id).host}:${this.node(id).peerPort}`}`)
      .join(',');
    return ['start', '--node-id', String(n.id), '--host', n.host, '--port', String(n.port), '--peer-port', String(n.peerPort), '--data', n.dataDir, '--peers', peers];
  }

  /** Adds a node to the running cluster with `flotilla start --join` (through node `via`'s peer address) and waits until it listens; returns its id. */
  async join(via = 1): Promise<number> {
    const id = Math.max(...this.ids()) + 1;
    const v = this.node(via);
    this.nodes.set(id, {
      id,
      host: `127.0.0.${id}`,
      port: this.port,
      peerPort: this.peerPort,
      dataDir: mkdtempSync(join(tmpdir(), `flotilla-${this.name}-n${id}-`)),
      generation: 0,
      listening: false,
      listeners: [],
      stopping: false,
      log: [],
      join: `${v.host}:${v.peerPort}`,
    });
    await this.spawnNode(id);
    return id;
  }

  // ---- processes ----------------------------------------------------------------------------

  /** Starts a node's process and waits for its "clients on" line. */
  private async spawnNode(nodeId: number): Promise<void> {
    const n = this.node(nodeId);
    if (n.child) throw new Error(`node ${nodeId} is already running (pid ${n.child.pid})`);
    n.generation++;
    n.listening = false;
    n.stopping = false;
    const generation = n.generation;
    const child = spawn(process.execPath, [LAUNCHER, ...this.args(nodeId)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    n.child = child;
    this.note(n, `spawned pid ${child.pid}: flotilla ${this.args(nodeId).join(' ')}`);
    const onLine = (stream: string) => (line: string) => {
      this.note(n, line, stream);
      if (!n.listening && line.startsWith(`flotilla node ${nodeId}: clients on`)) {
        n.listening = true;
        for (const l of n.listeners.splice(0)) l();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine('out'));
    createInterface({ input: child.stderr! }).on('line', onLine('err'));
    n.exited = new Promise<ExitInfo>((resolve) => {
      child.on('exit', (code, signal) => {
        const info = { code, signal };
        n.lastExit = info;
        if (n.child === child) n.child = undefined;
        this.note(n, `exited (${signal ?? `code ${code}`})${n.stopping ? '' : ' UNEXPECTEDLY'}`);
        for (const l of n.listeners.splice(0)) l();
        resolve(info);
      });
      child.on('error', (e) => this.note(n, `spawn error: ${e.message}`));
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`node ${nodeId} did not print "flotilla node ${nodeId}: clients on" within ${this.listenTimeoutMs} ms\n${this.tail(nodeId)}`));
      }, this.listenTimeoutMs);
      const check = () => {
        if (n.listening && n.generation === generation) {
          clearTimeout(timer);
          resolve();
        } else if (n.child !== child) {
          clearTimeout(timer);
          reject(new Error(`node ${nodeId} exited before listening (${exitText(n.lastExit)})\n${this.tail(nodeId)}`));
        } else {
          n.listeners.push(check);
        }
      };
      check();
    });
  }

  /** Sends a signal (default SIGKILL) and waits for the process to exit. */
  async kill(nodeId: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    const n = this.node(nodeId);
    const child = n.child;
    if (!child) throw new Error(`node ${nodeId} is not running`);
    n.stopping = true;
    this.note(n, `harness: sending ${signal}`);
    child.kill(signal);
    if (n.paused && signal !== 'SIGKILL') child.kill('SIGCONT'); // a stopped process takes no other signal
    n.paused = false;
    return n.exited!;
  }

  /**
   * SIGTERM, then waits for a clean exit. If the node has not exited within timeoutMs, it is
   * SIGKILLed and this throws (a node must stop cleanly on SIGTERM).
   */
  async stop(nodeId: number, timeoutMs = 20_000): Promise<ExitInfo> {
    const n = this.node(nodeId);
    const child = n.child;
    if (!child) throw new Error(`node ${nodeId} is not running`);
    n.stopping = true;
    this.note(n, 'harness: sending SIGTERM');
    child.kill('SIGTERM');
    if (n.paused) child.kill('SIGCONT');
    n.paused = false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      n.exited!.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await n.exited;
      throw new Error(`node ${nodeId} did not exit within ${timeoutMs} ms of SIGTERM (killed with SIGKILL)\n${this.tail(nodeId)}`);
    }
    return n.exited!;
  }

  /** SIGSTOP: the node stays up but does nothing (a long GC pause, a frozen VM) until resume(). */
  pause(nodeId: number): void {
    const n = this.node(nodeId);
    if (!n.child) throw new Error(`node ${nodeId} is not running`);
    this.note(n, 'harness: sending SIGSTOP');
    n.child.kill('SIGSTOP');
    n.paused = true;
  }

  /** SIGCONT after pause(). */
  resume(nodeId: number): void {
    const n = this.node(nodeId);
    if (!n.child || !n.paused) return;
    this.note(n, 'harness: sending SIGCONT');
    n.child.kill('SIGCONT');
    n.paused = false;
  }

  /** Starts a stopped node again: same arguments, same data dir. Waits for it to listen (not for readiness). */
  async restart(nodeId: number): Promise<void> {
    await this.spawnNode(nodeId);
  }

  /** Starts every node that is not running (in parallel). */
  async startAll(): Promise<void> {
    await Promise.all(this.ids().filter((id) => !this.isRunning(id)).map((id) => this.spawnNode(id)));
  }

  /** SIGTERM to every running node at once; waits for all to exit. */
  async stopAll(timeoutMs = 20_000): Promise<Map<number, ExitInfo>> {
    const ids = this.running();
    const results = await Promise.allSettled(ids.map((id) => this.stop(id, timeoutMs)));
    const out = new Map<number, ExitInfo>();
    const errors: string[] = [];
    results.forEach((r, k) => {
      if (r.status === 'fulfilled') out.set(ids[k], r.value);
      else errors.push((r.reason as Error).message);
    });
    if (errors.length > 0) throw new Error(errors.join('\n'));
    return out;
  }

  /** Synchronous last resort (process exit hook). */
  killAllNow(): void {
    for (const n of this.nodes.values()) {
      try {
        n.child?.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Closes clients, kills whatever still runs, removes the data dirs. Safe to call twice. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    await Promise.allSettled(this.clients.map((c) => c.close()));
    for (const c of this.raw.values()) c.close();
    this.raw.clear();
    await Promise.allSettled(this.running().map((id) => this.kill(id, 'SIGKILL')));
    await this.proxies?.close();
    live.delete(this);
    if (process.env.FLOTILLA_E2E_KEEP) {
      console.error(`FLOTILLA_E2E_KEEP: data dirs kept: ${this.ids().map((id) => this.dataDir(id)).join(' ')}`);
      return;
    }
    for (const n of this.nodes.values()) rmSync(n.dataDir, { recursive: true, force: true });
  }

  // ---- readiness --------------------------------------------------------------------------------

  /**
   * Waits until every running node (by default every node) answers DescribeCluster itself with a
   * non-zero controller leader and all N nodes registered. Fails fast if an expected node exits.
   */
  async waitReady(timeoutMs = 60_000, nodeIds: number[] = this.ids()): Promise<ClusterDescription> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let answer: ClusterDescription | undefined;
    for (;;) {
      const down = nodeIds.filter((id) => !this.isRunning(id));
      if (down.length > 0) {
        throw new Error(`waitReady: node(s) ${down.join(', ')} not running (${down.map((id) => exitText(this.lastExit(id))).join('; ')})\n${down.map((id) => this.tail(id)).join('\n')}`);
      }
      const answers = await Promise.all(
        nodeIds.map(async (id) => {
          const r = await probeReady(this.rawClient(id), this.ids());
          return { id, ...r };
        }),
      );
      if (answers.every((a) => a.ok)) {
        answer = answers[0].c;
        return answer!;
      }
      last = answers
        .filter((a) => !a.ok)
        .map((a) => `node ${a.id}: ${a.why}`)
        .join('; ');
      if (Date.now() > deadline) {
        throw new Error(`cluster not ready within ${timeoutMs} ms: ${last}\n${nodeIds.map((id) => this.tail(id)).join('\n')}`);
      }
      await sleep(200);
    }
  }

  // ---- clients ----------------------------------------------------------------------------------

  /** A client library instance on all brokers; closed by cleanup(). */
  client(options: Partial<FlotillaOptions> = {}): Flotilla {
    const c = new Flotilla({
      brokers: this.brokers,
      requestTimeoutMs: 10_000,
      retry: { retries: 30, initialBackoffMs: 50, maxBackoffMs: 500 },
      ...options,
    });
    this.clients.push(c);
    return c;
  }

  /** A raw gRPC client of one node (its own channel); closed by cleanup(). */
  rawClient(nodeId: number): FlotillaClient {
    const address = this.address(nodeId);
    let c = this.raw.get(address);
    if (!c) {
      const { Flotilla: Ctor } = loadFlotillaProto();
      c = new Ctor(address, grpc.credentials.createInsecure(), CLIENT_CHANNEL_OPTIONS);
      this.raw.set(address, c);
    }
    return c;
  }

  // ---- logs -----------------------------------------------------------------------------------

  private note(n: NodeProc, line: string, stream = 'h'): void {
    const t = ((Date.now() - this.started) / 1000).toFixed(3).padStart(8);
    const text = `[${t}s node ${n.id}#${n.generation} ${stream}] ${line}`;
    n.log.push(text);
    if (n.log.length > MAX_LOG_LINES) n.log.splice(0, n.log.length - MAX_LOG_LINES);
    if (process.env.FLOTILLA_E2E_VERBOSE) process.stderr.write(`${text}\n`);
  }

  /** Every line a node printed (all its runs), with harness notes. */
  logs(nodeId: number): string {
    return this.node(nodeId).log.join('\n');
  }

  /** Lines of a node's output that match a pattern. */
  grepLogs(pattern: RegExp, nodeIds: number[] = this.ids()): string[] {
    return nodeIds.flatMap((id) => this.node(id).log.filter((l) => pattern.test(l)));
  }

  /** The last lines of a node's output. */
  tail(nodeId: number, lines = 40): string {
    const log = this.node(nodeId).log;
    return `--- node ${nodeId}: last ${Math.min(lines, log.length)} of ${log.length} lines ---\n${log.slice(-lines).join('\n')}`;
  }

  /** Prints every node's output, interleaved by time. */
  dumpLogs(reason = 'node logs', maxLinesPerNode = 400): void {
    const lines = this.ids().flatMap((id) => this.node(id).log.slice(-maxLinesPerNode));
    lines.sort((a, b) => parseFloat(a.slice(1)) - parseFloat(b.slice(1)));
    console.error(`===== ${reason} (ports ${this.port}/${this.peerPort}) =====\n${lines.join('\n')}\n===== end of node logs =====`);
  }

  /** Call inside a test: prints the node logs if that test fails. */
  dumpLogsOnFailure(): void {
    onTestFailed(() => this.dumpLogs('node logs of the failed test'));
  }

  private node(nodeId: number): NodeProc {
    const n = this.nodes.get(nodeId);
    if (!n) throw new RangeError(`no node ${nodeId} (nodes are 1..${this.size})`);
    return n;
  }
}

function exitText(e: ExitInfo | undefined): string {
  if (!e) return 'still running';
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/** A `flotilla ...args` process (bin/flotilla.js, from the repo root, with TEST_ENV), its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...TEST_ENV, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, output, exited };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function errorText(e: unknown): string {
  if (e instanceof Error && 'code' in e) return `${String((e as { code: unknown }).code)}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** One node's own answer to DescribeCluster: ready when it knows a controller leader and every expected node is registered. */
export async function probeReady(client: FlotillaClient, expectedIds: number[]): Promise<{ ok: boolean; why: string; c?: ClusterDescription }> {
  try {
    const c = await rawCall<ClusterDescription>(client, 'describeCluster', {}, 2000);
    const registered = new Set(c.nodes.map((x) => x.id));
    const ok = c.controllerLeader !== 0 && expectedIds.every((x) => registered.has(x));
    return { ok, why: ok ? '' : `controllerLeader ${c.controllerLeader}, nodes [${[...registered].join(',')}]`, c };
  } catch (e) {
    return { ok: false, why: errorText(e) };
  }
}

/** Polls DescribeCluster on every address (for clusters the harness did not start, e.g. `start --cluster 3`). */
export async function waitAddressesReady(addresses: string[], expectedIds: number[], timeoutMs = 60_000): Promise<ClusterDescription> {
  const { Flotilla: Ctor } = loadFlotillaProto();
  const clients = addresses.map((a) => new Ctor(a, grpc.credentials.createInsecure(), CLIENT_CHANNEL_OPTIONS));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answers = await Promise.all(clients.map((c) => probeReady(c, expectedIds)));
      if (answers.every((a) => a.ok)) return answers[0].c!;
      if (Date.now() > deadline) {
        throw new Error(`not ready within ${timeoutMs} ms: ${answers.map((a, k) => `${addresses[k]}: ${a.ok ? 'ready' : a.why}`).join('; ')}`);
      }
      await sleep(200);
    }
  } finally {
    for (const c of clients) c.close();
  }
}

/** A port P such that P and P+100 are free on 127.0.0.1 .. 127.0.0.n. */
export async function freePortBase(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the ephemeral range (32768 and up on Linux): a node restarted on its port could find it
    // held by an outgoing connection as its local port.
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    let ok = true;
    for (let k = 1; k <= n && ok; k++) {
      for (const p of [port, port + 100]) {
        if (!(await canBind(`127.0.0.${k}`, p))) {
          ok = false;
          break;
        }
      }
    }
    if (ok) return port;
  }
  throw new Error('no free port base found');
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

// ---- polling ------------------------------------------------------------------------------------

/**
 * Polls `probe` until it returns something other than undefined/false, or throws after the
 * deadline with `what` and the last error or value seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = 'condition not met';
    } catch (e) {
      last = errorText(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(intervalMs);
  }
}

// ---- raw gRPC -----------------------------------------------------------------------------------

type RawMethod = 'createTopic' | 'createPartitions' | 'deleteTopic' | 'listTopics' | 'describeTopic' | 'describeCluster' | 'initProducer' | 'produce' | 'fetch' | 'listOffsets';

/** One unary call on a raw client; rejects with the grpc ServiceError (code, details, metadata). */
export function rawCall<T>(client: FlotillaClient, method: RawMethod, request: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fn = client[method] as unknown as (
      req: unknown,
      md: grpc.Metadata,
      opts: Partial<grpc.CallOptions>,
      cb: (e: grpc.ServiceError | null, r?: unknown) => void,
    ) => void;
    fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r as T)));
  });
}

export interface RawFailure {
  code: grpc.status;
  codeName: string;
  message: string;
  /** The flotilla-* trailing metadata, as strings. */
  metadata: Record<string, string>;
}

/** Runs a raw call that must fail, and returns its status; throws if it succeeds. */
export async function rawFailure(client: FlotillaClient, method: RawMethod, request: unknown, timeoutMs = 10_000): Promise<RawFailure> {
  let response: unknown;
  try {
    response = await rawCall(client, method, request, timeoutMs);
  } catch (e) {
    const err = e as grpc.ServiceError;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(err.metadata?.getMap() ?? {})) {
      if (k.startsWith('flotilla-')) metadata[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    }
    return { code: err.code, codeName: grpc.status[err.code] ?? String(err.code), message: err.details ?? err.message, metadata };
  }
  throw new Error(`${method}(${JSON.stringify(request, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}...` : v)).slice(0, 300)}) succeeded, expected an error: ${JSON.stringify(response).slice(0, 300)}`);
}

// ---- topics and partitions ----------------------------------------------------------------------

/**
 * Polls describeTopic until the partition has a leader (not one of `exclude`) and `accept` (if
 * given) holds; returns that partition's description.
 */
export async function partitionLeader(
  admin: Admin,
  topic: string,
  partition: number,
  options: { timeoutMs?: number; exclude?: number[]; accept?: (p: PartitionDescription, t: TopicDescription) => boolean } = {},
): Promise<PartitionDescription> {
  const exclude = options.exclude ?? [];
  return waitFor(
    `a leader of ${topic}/${partition}${exclude.length ? ` other than node ${exclude.join(', ')}` : ''}`,
    async () => {
      const t = await admin.describeTopic(topic);
      const p = t.partitions.find((x) => x.partition === partition);
      if (!p) throw new Error(`describeTopic(${topic}) has no partition ${partition}`);
      if (p.leader === 0 || exclude.includes(p.leader)) return undefined;
      if (options.accept && !options.accept(p, t)) return undefined;
      return p;
    },
    options.timeoutMs ?? 30_000,
    100,
  );
}

/** Leader node id of every partition of a topic (polls until all have one). */
export async function topicLeaders(admin: Admin, topic: string, options: { timeoutMs?: number; exclude?: number[] } = {}): Promise<TopicDescription> {
  const exclude = options.exclude ?? [];
  return waitFor(
    `every partition of ${topic} to have a leader${exclude.length ? ` other than node ${exclude.join(', ')}` : ''}`,
    async () => {
      const t = await admin.describeTopic(topic);
      return t.partitions.every((p) => p.leader !== 0 && !exclude.includes(p.leader)) ? t : undefined;
    },
    options.timeoutMs ?? 30_000,
  );
}

/**
 * Reads a partition from `from` up to (not including) `to` (default: the high watermark of the
 * first fetch), with plain fetches; polls until every offset below `to` arrived.
 */
export async function readPartition(
  consumer: Consumer,
  topic: string,
  partition: number,
  options: { from?: number; to?: number; timeoutMs?: number } = {},
): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  let next = options.from ?? 0;
  let end = options.to;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (end !== undefined && next >= end) return out;
    const batch = await consumer.fetch({ topic, partition, offset: next, maxBytes: 1 << 20 });
    end ??= batch.highWatermark;
    for (const r of batch.records) {
      if (r.offset >= end) return out;
      out.push(r);
      next = r.offset + 1;
    }
    if (next >= end) return out;
    if (batch.records.length === 0) {
      if (Date.now() > deadline) throw new Error(`${topic}/${partition}: read up to offset ${next}, expected records up to ${end} (high watermark ${batch.highWatermark})`);
      await sleep(100);
    }
  }
}

// ---- on-disk logs -------------------------------------------------------------------------------

/** Directories under `root` (itself included, two levels deep) that hold a LevelDB (a CURRENT file). */
function levelDbDirs(root: string, depth = 2): string[] {
  const out: string[] = [];
  if (existsSync(join(root, 'CURRENT'))) out.push(root);
  if (depth > 0) {
    for (const name of readdirSync(root)) {
      const p = join(root, name);
      if (statSync(p).isDirectory()) out.push(...levelDbDirs(p, depth - 1));
    }
  }
  return out;
}

export interface NodeStore {
  store: LogStore;
  /** The LevelDB directory inside the node's data dir. */
  dir: string;
  clusterId: string;
  nodeId: number;
  /** Where the cluster id came from. */
  clusterIdSource: 'cluster-id file' | 'store identity record';
}

/**
 * Opens a stopped node's log store. The cluster id comes from `<dataDir>/cluster-id` (the file the
 * node writes); without that file, from the store's own identity record. Close it when done.
 */
export async function openNodeStore(dataDir: string, nodeId: number): Promise<NodeStore> {
  const dirs = levelDbDirs(dataDir);
  let found: { dir: string; clusterId: string; nodeId: number } | undefined;
  for (const dir of dirs) {
    const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
    try {
      await db.open();
      const raw = await db.get(NODE_KEY);
      const identity = raw === undefined ? undefined : decodeIdentity(raw);
      if (identity) {
        found = { dir, clusterId: identity.clusterId, nodeId: identity.nodeId };
        break;
      }
    } catch {
      // not a log store (or unreadable): keep looking
    } finally {
      await db.close().catch(() => undefined);
    }
  }
  if (!found) throw new Error(`no log store (LevelDB with an identity record) in ${dataDir}; LevelDB dirs seen: ${dirs.join(', ') || 'none'}`);
  const file = join(dataDir, 'cluster-id');
  let clusterId = found.clusterId;
  let clusterIdSource: NodeStore['clusterIdSource'] = 'store identity record';
  if (existsSync(file)) {
    clusterId = readFileSync(file, 'utf8').trim();
    clusterIdSource = 'cluster-id file';
  }
  const store = await LogStore.open(found.dir, { clusterId, nodeId });
  return { store, dir: found.dir, clusterId, nodeId: found.nodeId, clusterIdSource };
}

export interface EntrySummary {
  index: number;
  term: number;
  type: number;
  /** sha256 of the data, hex. */
  hash: string;
  data: Buffer;
}

/** Every entry a group holds on disk, from its first index to its last. */
export async function readGroupLog(store: LogStore, group: number): Promise<{ firstIndex: number; lastIndex: number; commit: number; entries: EntrySummary[] }> {
  const g = store.group(group);
  if (!g) throw new Error(`the store has no group ${group} (groups: ${store.groupIds().sort((a, b) => a - b).join(', ')})`);
  const firstIndex = g.firstIndex();
  const lastIndex = g.lastIndex();
  const entries: EntrySummary[] = [];
  let next = firstIndex;
  while (next <= lastIndex) {
    const batch: Entry[] = await g.readEntries(next, lastIndex + 1, 4 << 20);
    if (batch.length === 0) throw new Error(`group ${group}: readEntries(${next}) returned nothing below last index ${lastIndex}`);
    for (const e of batch) {
      const data = Buffer.from(e.data);
      entries.push({ index: e.index, term: e.term, type: e.type, hash: createHash('sha256').update(data).digest('hex'), data });
    }
    next = batch[batch.length - 1].index + 1;
  }
  return { firstIndex, lastIndex, commit: g.hardState.commit, entries };
}
