/**
 * Runs the schedule's faults against the cluster, one at a time: each records a `nemesis` start
 * event when it is in place and an end event once it is undone, with what it did in `detail`.
 * Targets come from the fault's seeded node order; only the leader of a partition is looked up
 * when the fault starts.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Flotilla } from '../../cluster/client/index';
import type { ClusterUnderTest } from './cluster';
import type { Link, LabNetwork } from './network';
import { NodeStartError, type NodeProcesses } from './processes';
import type { HistoryRecorder } from './recorder';
import { Rng } from './rng';
import type { ScheduledFault } from './schedule';
import { copyDataDir, flipBits, restoreDataDir, truncateWal, wipe } from './storage';

/** One fault as it ran: its window in history time, what it did, and how the nodes took it. */
export interface FaultRecord {
  n: number;
  kind: string;
  start: number;
  end: number;
  detail: string;
  /** Storage faults: how the damaged node took it ("started", or its refusal). */
  outcome?: string;
}

export interface NemesisContext {
  cluster: ClusterUnderTest;
  history: HistoryRecorder;
  /** For leader lookups. */
  admin: Flotilla;
  topic: string;
  runDir: string;
  seed: number;
  log: (line: string) => void;
}

/** Undoes a fault; returns what happened, for the end event. */
type Undo = () => Promise<string | void>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Nemesis {
  constructor(private readonly ctx: NemesisContext) {}

  private get net(): LabNetwork {
    return this.ctx.cluster.network;
  }

  private get procs(): NodeProcesses {
    const p = this.ctx.cluster.processes;
    if (!p) throw new Error('this fault needs the lab to run the nodes (not possible with --brokers)');
    return p;
  }

  /** Runs one fault: start, hold, undo. */
  async run(fault: ScheduledFault, onStarted: (what: string) => void = () => undefined): Promise<FaultRecord> {
    const rng = new Rng((this.ctx.seed ^ Math.imul(fault.n, 0x9e3779b1)) >>> 0);
    let started: { undo: Undo; detail: string };
    try {
      started = await this.start(fault, rng);
    } catch (error) {
      // A fault that could not be put in place (a Toxiproxy call refused, a node that would not
      // stop) is noted in the history and undone as far as it went; the run goes on.
      const detail = `could not start: ${(error as Error).message}`;
      this.ctx.log(`fault #${fault.n} ${fault.kind} ${detail}`);
      const at = this.ctx.history.nemesis('start', fault.kind, detail);
      await this.ctx.cluster.network.heal().catch(() => undefined);
      const end = this.ctx.history.nemesis('end', fault.kind, detail);
      await this.ensureUp();
      return { n: fault.n, kind: fault.kind, start: at.time, end: end.time, detail };
    }
    const { undo, detail } = started;
    const begun = this.ctx.history.nemesis('start', fault.kind, detail);
    onStarted(`${fault.kind}: ${detail.length > 90 ? `${detail.slice(0, 87)}...` : detail}`);
    await sleep(fault.holdMs);
    let outcome: string | undefined;
    try {
      outcome = (await undo()) || undefined;
    } catch (error) {
      outcome = `could not undo it: ${(error as Error).message}`;
      this.ctx.log(`fault #${fault.n} ${fault.kind} ${outcome}`);
      await this.ctx.cluster.network.heal().catch(() => undefined);
    }
    const ended = this.ctx.history.nemesis('end', fault.kind, outcome ? `${detail}; ${outcome}` : detail);
    await this.ensureUp();
    return { n: fault.n, kind: fault.kind, start: begun.time, end: ended.time, detail, ...(outcome ? { outcome } : {}) };
  }

  /** Restarts any node that is down (a crash the lab did not cause) and resumes paused ones. */
  async ensureUp(): Promise<string[]> {
    const p = this.ctx.cluster.processes;
    if (!p) return [];
    const notes: string[] = [];
    for (const id of p.ids) {
      if (p.isPaused(id)) p.resume(id);
      if (!p.isRunning(id)) {
        try {
          await p.start(id, p.extraEnv(id));
          notes.push(`node ${id} was down: restarted`);
        } catch (error) {
          notes.push(`node ${id} was down and did not restart: ${(error as Error).message}`);
        }
      }
    }
    for (const n of notes) this.ctx.log(n);
    return notes;
  }

  async leaderOf(partition: number, fallback: number): Promise<{ node: number; note: string }> {
    try {
      const t = await this.ctx.admin.admin().describeTopic(this.ctx.topic);
      const leader = t.partitions.find((x) => x.partition === partition)?.leader ?? 0;
      if (leader !== 0) return { node: leader, note: `node ${leader} (leader of partition ${partition})` };
    } catch {
      // fall through: no leader known in time
    }
    return { node: fallback, note: `node ${fallback} (partition ${partition} had no known leader)` };
  }

  private async start(f: ScheduledFault, rng: Rng): Promise<{ undo: Undo; detail: string }> {
    const nodes = f.nodes;
    const n = nodes.length;
    const heal: Undo = async () => {
      await this.net.heal();
    };
    const cutGroups = async (connected: (a: number, b: number) => boolean, detail: string) => {
      await this.net.cut(this.net.linksCutBy(connected));
      return { undo: heal, detail };
    };
    const isolate = (x: number, note: string) => cutGroups((a, b) => a !== x && b !== x, `isolated ${note}`);
    switch (f.kind) {
      case 'isolate-one':
        return isolate(nodes[0], `node ${nodes[0]}`);
      case 'isolate-leader': {
        const l = await this.leaderOf(f.partition, nodes[0]);
        return isolate(l.node, l.note);
      }
      case 'split': {
        const minority = new Set(nodes.slice(0, Math.floor((n - 1) / 2)));
        return cutGroups((a, b) => minority.has(a) === minority.has(b), `minority [${[...minority].join(', ')}] | majority [${nodes.filter((x) => !minority.has(x)).join(', ')}]`);
      }
      case 'bridge': {
        const [bridge, ...rest] = nodes;
        const half = new Set(rest.slice(0, Math.floor(rest.length / 2)));
        const side = (x: number) => (x === bridge ? 0 : half.has(x) ? 1 : 2);
        return cutGroups((a, b) => side(a) === 0 || side(b) === 0 || side(a) === side(b), `[${[...half].join(', ')}] | bridge ${bridge} | [${rest.filter((x) => !half.has(x)).join(', ')}]`);
      }
      case 'ring': {
        const pos = new Map(nodes.map((x, i) => [x, i]));
        const near = (a: number, b: number) => {
          const d = Math.abs(pos.get(a)! - pos.get(b)!);
          return d === 1 || d === n - 1;
        };
        return cutGroups(near, `ring ${nodes.join(' - ')} - ${nodes[0]}`);
      }
      case 'one-way': {
        const x = nodes[0];
        const others = nodes.slice(1);
        const outgoing = f.magnitude < 0.5;
        const links: Link[] = others.map((o) => (outgoing ? [x, o] : [o, x]));
        await this.net.blackhole(links);
        return { undo: heal, detail: outgoing ? `node ${x} cannot send to the others (it still hears them)` : `node ${x} hears no one (it can still send)` };
      }
      case 'slow': {
        const latency = Math.round(20 + f.magnitude * 130);
        const jitter = Math.round(latency / 2);
        await this.net.slow(latency, jitter);
        return { undo: heal, detail: `latency ${latency}±${jitter} ms each way on every peer link` };
      }
      case 'thin': {
        const rate = Math.round(16 + f.magnitude * 112);
        await this.net.thin(rate);
        return { undo: heal, detail: `${rate} KB/s each way on every peer link` };
      }
      case 'client-cut-leader': {
        if (!this.ctx.cluster.clientsProxied) throw new Error('client-cut-leader needs client proxies (client_to_nodeI)');
        const l = await this.leaderOf(f.partition, nodes[0]);
        await this.net.cutClients(l.node);
        return { undo: heal, detail: `clients cannot reach ${l.note}` };
      }
      case 'kill-one':
        return this.kill([nodes[0]], `node ${nodes[0]}`);
      case 'kill-leader': {
        const l = await this.leaderOf(f.partition, nodes[0]);
        return this.kill([l.node], l.note);
      }
      case 'kill-all':
        return this.kill(nodes, 'every node');
      case 'rolling-restart': {
        const done: string[] = [];
        for (const x of nodes) {
          await this.procs.stop(x);
          await this.startNode(x);
          done.push(String(x));
        }
        return { undo: async () => undefined, detail: `restarted ${done.join(', ')} in turn (SIGTERM, start)` };
      }
      case 'pause-one':
        return this.pause([nodes[0]], `node ${nodes[0]}`);
      case 'pause-leader': {
        const l = await this.leaderOf(f.partition, nodes[0]);
        return this.pause([l.node], l.note);
      }
      case 'pause-minority-kill': {
        const paused = nodes.slice(0, Math.max(1, Math.floor((n - 1) / 2)));
        const killed = nodes[paused.length];
        for (const x of paused) this.procs.pause(x);
        await this.procs.kill(killed);
        return {
          detail: `paused [${paused.join(', ')}], killed node ${killed}`,
          undo: async () => {
            // The paused nodes wake while the killed one is still down, then it comes back.
            for (const x of paused) this.procs.resume(x);
            await sleep(Math.min(2000, f.holdMs / 2));
            return this.startNode(killed);
          },
        };
      }
      case 'corrupt':
        return this.damage(this.storageTarget(nodes), f, (dir) => flipBits(dir, rng, 1 + Math.floor(f.magnitude * 8)));
      case 'truncate-wal':
        return this.damage(this.storageTarget(nodes), f, (dir) => truncateWal(dir, rng));
      case 'wipe':
        return this.damage(this.storageTarget(nodes), f, (dir) => wipe(dir));
      case 'restore-older': {
        const x = this.storageTarget(nodes);
        const older = await this.backupDir(x, f);
        await this.procs.kill(x);
        await copyDataDir(this.procs.dataDir(x), older);
        await this.startNode(x);
        return {
          detail: `node ${x}: a copy of its data directory was taken; it runs on, then gets the copy back`,
          undo: async () => {
            await this.procs.kill(x);
            await restoreDataDir(older, this.procs.dataDir(x));
            return this.startDamaged(x, undefined);
          },
        };
      }
      case 'amnesia-all': {
        const copies = new Map<number, string>();
        await Promise.all(nodes.map((x) => this.procs.kill(x)));
        for (const x of nodes) {
          copies.set(x, await this.backupDir(x, f));
          await copyDataDir(this.procs.dataDir(x), copies.get(x)!);
        }
        await Promise.all(nodes.map((x) => this.startNode(x)));
        return {
          detail: 'copies of every data directory taken; the nodes run on, then all get their copies back',
          undo: async () => {
            await Promise.all(nodes.map((x) => this.procs.kill(x)));
            for (const x of nodes) await restoreDataDir(copies.get(x)!, this.procs.dataDir(x));
            const notes = await Promise.all(nodes.map((x) => this.startNode(x)));
            return notes.filter((s) => s).join('; ') || undefined;
          },
        };
      }
      case 'clock-fast':
      case 'clock-slow': {
        const x = nodes[0];
        const base = this.ctx.cluster.tickMs;
        const tick = f.kind === 'clock-fast' ? Math.max(5, Math.round(base / 4)) : base * 3;
        await this.procs.stop(x);
        await this.startNode(x, { FLOTILLA_TICK_MS: String(tick) });
        return {
          detail: `node ${x} ticks every ${tick} ms (the others every ${base} ms)`,
          undo: async () => {
            await this.procs.stop(x);
            return this.startNode(x, {});
          },
        };
      }
    }
  }

  /**
   * Storage faults hit a minority of every partition's replicas, over the whole run: a damaged
   * replica stays fenced (its data is never served, and nothing resyncs it yet). Partitions have
   * at most 3 replicas spread over all nodes, so that is one node: once a node is damaged, later
   * storage faults go to it again.
   */
  private storageTarget(nodes: readonly number[]): number {
    const minority = Math.floor((Math.min(3, nodes.length) - 1) / 2);
    const target = this.damaged.size >= minority ? nodes.find((x) => this.damaged.has(x))! : nodes[0];
    this.damaged.add(target);
    return target;
  }

  private readonly damaged = new Set<number>();

  private async kill(targets: number[], note: string): Promise<{ undo: Undo; detail: string }> {
    await Promise.all(targets.map((x) => this.procs.kill(x)));
    return {
      detail: `SIGKILL ${note}`,
      undo: async () => {
        const notes = await Promise.all(targets.map((x) => this.startNode(x)));
        return notes.filter((s) => s).join('; ') || undefined;
      },
    };
  }

  private async pause(targets: number[], note: string): Promise<{ undo: Undo; detail: string }> {
    for (const x of targets) this.procs.pause(x);
    return {
      detail: `SIGSTOP ${note}`,
      undo: async () => {
        for (const x of targets) this.procs.resume(x);
      },
    };
  }

  /** Starts a node; a failure is noted (and retried once) rather than ending the run. */
  private async startNode(x: number, env?: Record<string, string>): Promise<string> {
    const p = this.procs;
    const use = env ?? p.extraEnv(x);
    try {
      await p.start(x, use);
      return '';
    } catch (first) {
      this.ctx.log(`node ${x} did not start: ${(first as Error).message}; trying again`);
      try {
        await p.start(x, use);
        return `node ${x} started on the second try`;
      } catch (second) {
        return `node ${x} did not start: ${(second as Error).message}`;
      }
    }
  }

  private async backupDir(x: number, f: ScheduledFault): Promise<string> {
    const dir = join(this.ctx.runDir, 'backups');
    await mkdir(dir, { recursive: true });
    return join(dir, `node-${x}-fault-${f.n}`);
  }

  /**
   * Kills the node, keeps a copy of its data (a crash image), damages it; when the fault ends,
   * starts it. A node that refuses to start gets its crash image back (it never ran on the
   * damaged data, so that is only a crash) and is started again.
   */
  private async damage(x: number, f: ScheduledFault, act: (dataDir: string) => Promise<string>): Promise<{ undo: Undo; detail: string }> {
    await this.procs.kill(x);
    const copy = await this.backupDir(x, f);
    await copyDataDir(this.procs.dataDir(x), copy);
    const what = await act(this.procs.dataDir(x));
    return { detail: `node ${x}: ${what}`, undo: () => this.startDamaged(x, copy) };
  }

  private async startDamaged(x: number, crashImage: string | undefined): Promise<string> {
    try {
      await this.procs.start(x);
      // It may still stop once it reads the damage: give it a moment, then look.
      await sleep(1500);
      if (this.procs.isRunning(x)) {
        const resynced = this.procs.lastLines(x).some((l) => /rejoins through a resync|readmitted to the metadata group/.test(l));
        return resynced ? `node ${x} started on an empty directory and rejoined through a resync` : `node ${x} started on the damaged data`;
      }
      return `node ${x} started, then stopped: ${this.procs.lastLines(x).slice(-2).join(' | ')}`;
    } catch (error) {
      const why = error instanceof NodeStartError ? `${error.exit}: ${error.reason}` : (error as Error).message;
      if (!crashImage) return `node ${x} refused to start (${why})`;
      await restoreDataDir(crashImage, this.procs.dataDir(x));
      const again = await this.startNode(x);
      return `node ${x} refused to start (${why}); its crash image was put back${again ? `: ${again}` : ''}`;
    }
  }
}
