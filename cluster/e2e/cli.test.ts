/**
 * The `flotilla` command as a user runs it, every step a child process of bin/flotilla.js:
 * `start` of a single node with --data, `topic create/list/describe --json`, `produce` from stdin,
 * `consume --from-beginning` (and --follow --max), `cluster status`; then `start --cluster 3`
 * and `cluster status` listing its 3 nodes. Nodes stop on SIGINT / SIGTERM with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it, onTestFailed, vi } from 'vitest';
import { freePortBase, LAUNCHER, REPO_ROOT, spawnCli, TEST_ENV, waitAddressesReady } from './process-cluster';

// Real processes: generous limits whatever the project's vitest config says (waits inside poll with their own deadlines).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const transcript: string[] = [];

/** Runs `flotilla ...args` to completion, with `input` on stdin. */
function flotilla(args: string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = spawnCli(args, options.env);
  cli.child.stdin!.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`flotilla ${args.join(' ')}: no exit within ${timeoutMs} ms\nstdout: ${cli.output.stdout}\nstderr: ${cli.output.stderr}`));
    }, timeoutMs);
    void cli.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      const { stdout, stderr } = cli.output;
      transcript.push(`$ flotilla ${args.join(' ')}  -> ${signal ?? code}\n${stdout.slice(0, 2000)}${stderr ? `[stderr] ${stderr.slice(0, 2000)}` : ''}`);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running `flotilla` (start): output collected, a promise of its exit. */
class Background {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string> = {},
  ) {
    // Its own process group, so that cleanup can kill a dev cluster's node processes too.
    this.child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...TEST_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const s of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: s }).on('line', (line) => {
        this.lines.push(line);
        for (const w of this.waiters.splice(0)) w();
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.lines.push(`[exited: ${signal ?? `code ${code}`}]`);
        for (const w of this.waiters.splice(0)) w();
        resolve({ code, signal });
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a line matching `pattern`; fails if the process exits first. */
  waitLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.lines.slice(-40).join('\n')}`)), timeoutMs);
      const check = () => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        } else if (!this.running) {
          clearTimeout(timer);
          reject(new Error(`${this.name} exited before printing ${pattern}\n${this.lines.slice(-40).join('\n')}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  /** Whether any process of its group is still alive. */
  groupAlive(): boolean {
    try {
      process.kill(-this.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  }

  killGroup(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const dirs: string[] = [];
const backgrounds: Background[] = [];

function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `flotilla-cli-${name}-`));
  dirs.push(d);
  return d;
}

async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(() => {
  transcript.length = 0;
});

afterAll(async () => {
  for (const b of backgrounds) b.killGroup();
  await Promise.all(backgrounds.map((b) => (b.running ? b.exited : undefined)));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dumpOnFailure(...bg: Array<() => Background | undefined>): void {
  onTestFailed(() => {
    console.error(`===== CLI transcript =====\n${transcript.join('\n')}`);
    for (const get of bg) {
      const b = get();
      if (b) console.error(`===== ${b.name} output =====\n${b.lines.slice(-300).join('\n')}`);
    }
  });
}

describe('the flotilla command', () => {
  it('start (one node), topic create/list/describe, produce from stdin, consume', async () => {
    let node: Background | undefined;
    dumpOnFailure(() => node);
    const port = await freePortBase(1);
    const data = join(tempDir('single'), 'data');
    node = new Background('flotilla start', ['start', '--data', data, '--port', String(port), '--peer-port', String(port + 100)]);
    backgrounds.push(node);
    const listening = await node.waitLine(/^flotilla node 1: clients on/);
    expect(listening).toContain(`127.0.0.1:${port}`);
    expect(listening).toContain(data);
    const broker = `127.0.0.1:${port}`;
    await waitAddressesReady([broker], [1], 60_000);
    const env = { FLOTILLA_BROKERS: broker };

    const created = await flotilla(['topic', 'create', 'cli-topic', '--partitions', '2'], { env });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created topic cli-topic: 2 partition(s), replication factor 1');

    // --brokers works as well as FLOTILLA_BROKERS.
    const list = await flotilla(['topic', 'list', '--brokers', broker]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/cli-topic\s+2\s+1/);
    const listJson = JSON.parse((await flotilla(['topic', 'list', '--json'], { env })).stdout) as { topics: Array<{ name: string; partitions: number; replicationFactor: number }> };
    expect(listJson.topics).toEqual([expect.objectContaining({ name: 'cli-topic', partitions: 2, replicationFactor: 1 })]);

    const describeOut = await flotilla(['topic', 'describe', 'cli-topic', '--json'], { env });
    expect(describeOut.code).toBe(0);
    const description = JSON.parse(describeOut.stdout) as { name: string; replicationFactor: number; partitions: Array<{ partition: number; leader: number; replicas: number[]; inSyncReplicas: number[]; highWatermark: number }> };
    expect(description.name).toBe('cli-topic');
    expect(description.replicationFactor).toBe(1);
    expect(description.partitions.map((p) => p.partition).sort()).toEqual([0, 1]);
    for (const p of description.partitions) {
      expect(p.replicas).toEqual([1]);
      expect(p.highWatermark).toBe(0);
    }

    const lines = Array.from({ length: 500 }, (_, i) => `line-${i} ${'é'.repeat(i % 3)}`);
    const produced = await flotilla(['produce', '-t', 'cli-topic'], { env, input: lines.join('\n') + '\n' });
    expect(produced.code).toBe(0);
    expect(produced.stdout).toContain('wrote 500 record(s) to cli-topic');
    const positional = await flotilla(['produce', '--topic', 'cli-topic', '--partition', '1', '--key', 'k1', 'extra-a', 'extra-b'], { env });
    expect(positional.code).toBe(0);
    expect(positional.stdout).toContain('wrote 2 record(s) to cli-topic');

    const consumed = await flotilla(['consume', '-t', 'cli-topic', '--from-beginning'], { env });
    expect(consumed.code).toBe(0);
    const got = consumed.stdout.split('\n').filter((l) => l !== '');
    expect([...got].sort()).toEqual([...lines, 'extra-a', 'extra-b'].sort());

    // JSON lines: per partition, dense offsets, in input order.
    const json = await flotilla(['consume', '-t', 'cli-topic', '--from-beginning', '--json'], { env });
    expect(json.code).toBe(0);
    const records = json.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { partition: number; offset: number; key: string | null; value: string });
    expect(records).toHaveLength(502);
    for (const p of [0, 1]) {
      const mine = records.filter((r) => r.partition === p);
      expect(mine.map((r) => r.offset)).toEqual(mine.map((_, k) => k));
      const fromStdin = mine.filter((r) => r.value.startsWith('line-')).map((r) => Number(r.value.slice(5).split(' ')[0]));
      expect(fromStdin).toEqual([...fromStdin].sort((a, b) => a - b));
    }
    expect(records.filter((r) => r.key === 'k1').map((r) => [r.partition, r.value])).toEqual([
      [1, 'extra-a'],
      [1, 'extra-b'],
    ]);

    // --follow --max: starts at the beginning, stops after N (partition 1 holds at least the 2 keyed records).
    const max = Math.min(3, records.filter((r) => r.partition === 1).length);
    const follow = await flotilla(['consume', '-t', 'cli-topic', '-p', '1', '--from-beginning', '--follow', '--max', String(max), '--print-offset'], { env });
    expect(follow.code).toBe(0);
    const followed = follow.stdout.split('\n').filter((l) => l !== '');
    expect(followed.map((l) => l.split('\t')[0])).toEqual(Array.from({ length: max }, (_, k) => `1:${k}`));

    const status = await flotilla(['cluster', 'status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('1 of 1 alive');
    expect(status.stdout).toMatch(/metadata leader:\s+1/);

    // Ctrl-C stops the node cleanly; a command then reports the node down.
    node.child.kill('SIGINT');
    const exit = await node.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(node.lines.some((l) => /flotilla node 1: stopping/.test(l))).toBe(true);
    const down = await flotilla(['topic', 'list', '--timeout', '5s'], { env, timeoutMs: 60_000 });
    expect(down.code).not.toBe(0);
    expect(down.stderr).not.toBe('');
    expect(down.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace

    // Started again on the same --data: the topic and its records are there.
    const again = new Background('flotilla start (again)', ['start', '--data', data, '--port', String(port), '--peer-port', String(port + 100)]);
    backgrounds.push(again);
    node = again;
    await again.waitLine(/^flotilla node 1: clients on/);
    await waitAddressesReady([broker], [1], 60_000);
    const reread = await flotilla(['consume', '-t', 'cli-topic', '--from-beginning'], { env });
    expect(reread.code).toBe(0);
    expect(reread.stdout.split('\n').filter((l) => l !== '').sort()).toEqual([...got].sort());
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  it('start --cluster 3 runs three nodes; cluster status lists them', async () => {
    let dev: Background | undefined;
    dumpOnFailure(() => dev);
    const port = await freePortBase(3);
    const data = tempDir('dev');
    dev = new Background('flotilla start --cluster 3', ['start', '--cluster', '3', '--data', data, '--port', String(port)]);
    backgrounds.push(dev);
    const brokers = [1, 2, 3].map((i) => `127.0.0.${i}:${port}`);
    await dev.waitLine(new RegExp(`brokers: ${brokers.join(',').replace(/\./g, '\\.')}`));
    for (const i of [1, 2, 3]) await dev.waitLine(new RegExp(`^\\[node ${i}\\] flotilla node ${i}: clients on`), 60_000);
    await waitAddressesReady(brokers, [1, 2, 3], 60_000);
    for (const i of [1, 2, 3]) expect(existsSync(join(data, `node-${i}`)), `data dir of node ${i}`).toBe(true);

    const statusJson = await flotilla(['cluster', 'status', '--json', '--brokers', brokers[1]]);
    expect(statusJson.code).toBe(0);
    const status = JSON.parse(statusJson.stdout) as { controllerLeader: number; nodes: Array<{ id: number; address: string; alive: boolean }> };
    expect(status.controllerLeader).toBeGreaterThanOrEqual(1);
    expect(status.controllerLeader).toBeLessThanOrEqual(3);
    expect(status.nodes.map((n) => [n.id, n.address]).sort()).toEqual([
      [1, brokers[0]],
      [2, brokers[1]],
      [3, brokers[2]],
    ]);
    const text = await flotilla(['cluster', 'status'], { env: { FLOTILLA_BROKERS: brokers.join(',') } });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('3 of 3 alive');
    for (const b of brokers) expect(text.stdout).toContain(b);

    // A topic on the dev cluster defaults to replication factor 3.
    const created = await flotilla(['topic', 'create', 'dev-topic', '-p', '2', '--json'], { env: { FLOTILLA_BROKERS: brokers[2] } });
    expect(created.code).toBe(0);
    expect((JSON.parse(created.stdout) as { replicationFactor: number }).replicationFactor).toBe(3);

    dev.child.kill('SIGTERM');
    expect(await dev.exited).toEqual({ code: 0, signal: null });
    await waitUntil('every dev-cluster node process to exit', () => !dev!.groupAlive(), 20_000);
    for (const i of [1, 2, 3]) expect(dev.lines.some((l) => l.startsWith(`[node ${i}] flotilla node ${i}: stopping`)), `node ${i} stopped cleanly`).toBe(true);
    expect(dev.lines.some((l) => /exited \(/.test(l)), 'no node exited on its own').toBe(false);
  });
});
