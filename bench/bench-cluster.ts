/**
 * The benchmarks' cluster: node processes started through the `flotilla` launcher on 127.0.0.1-N
 * (devClusterLayout), in a temporary directory removed at exit. A node that exits unasked ends
 * the benchmark with its last log lines. Only the public client and CLI are used.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { devClusterLayout } from '../cluster/cli';
import type { Flotilla } from '../cluster/client';

const launcher = fileURLToPath(new URL('../bin/flotilla.js', import.meta.url));

export class BenchCluster {
  readonly layout: ReturnType<typeof devClusterLayout>;
  private readonly root: string;
  private readonly children = new Map<number, ChildProcess>();
  /** Processes stopped on purpose (stopNode): their exit is expected. */
  private readonly deliberate = new Set<ChildProcess>();
  private readonly tails = new Map<number, string[]>();
  private stopping = false;

  /** `onLine`: every line a node prints, e.g. to pick out its in-sync set changes. */
  constructor(
    readonly nodes: number,
    name: string,
    private readonly onLine: (nodeId: number, line: string) => void = () => undefined,
  ) {
    // Below the ephemeral ports (32768 and up): a restarted node re-binds its port.
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    this.root = mkdtempSync(join(tmpdir(), `flotilla-${name}-`));
    this.layout = devClusterLayout({ nodes, dataDir: this.root, port, sameHost: false }, this.root);
    process.on('exit', () => this.stopAll());
  }

  get brokers(): string[] {
    return this.layout.map((n) => `${n.host}:${n.port}`);
  }

  startAll(): void {
    for (const n of this.layout) this.startNode(n.nodeId);
  }

  startNode(id: number): ChildProcess {
    const node = this.layout.find((n) => n.nodeId === id)!;
    const child = spawn(process.execPath, [launcher, ...node.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = this.tails.get(id) ?? [];
    this.tails.set(id, lines);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        this.onLine(id, line);
      });
    }
    child.on('exit', (code, signal) => {
      if (this.children.get(id) === child) this.children.delete(id);
      if (!this.stopping && !this.deliberate.has(child)) {
        console.error(`node ${id} exited (${signal ?? code}):\n${lines.join('\n')}`);
        process.exit(1);
      }
    });
    this.children.set(id, child);
    return child;
  }

  /** Stop one node with `signal` and wait for it to exit. */
  async stopNode(id: number, signal: NodeJS.Signals): Promise<void> {
    const child = this.children.get(id)!;
    this.deliberate.add(child);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  stopAll(): void {
    this.stopping = true;
    for (const c of this.children.values()) c.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Until the metadata group has a leader and every node has registered. */
  async waitReady(client: Flotilla, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        const c = await client.admin().describeCluster();
        if (c.controllerLeader !== 0 && c.nodes.length === this.nodes) return;
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`the cluster did not come up within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
