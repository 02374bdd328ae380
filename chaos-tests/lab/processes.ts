/**
 * The lab's own node processes: each a `flotilla start` child (bin/flotilla.js, the command users
 * run), its output appended to `node-N.log` in the run directory, with SIGKILL, SIGTERM,
 * SIGSTOP/SIGCONT and restarts with another environment (the clock nemesis's tick).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../../bin/flotilla.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LabNodeSpec {
  id: number;
  dataDir: string;
  /** Arguments after `flotilla`. */
  args: string[];
}

/** A node exited before it listened: what it said last (a refusal to start names its reason there). */
export class NodeStartError extends Error {
  /** The line that says what went wrong (a stack trace's frames say little), or the last lines. */
  readonly reason: string;

  constructor(
    readonly nodeId: number,
    readonly exit: string,
    readonly lastLines: string[],
  ) {
    const why = [...lastLines].reverse().find((l) => /error|cannot|refus|corrupt|fatal/i.test(l) && !/^\s+at /.test(l));
    const reason = why ?? lastLines.slice(-3).join(' | ');
    super(`node ${nodeId} did not start (${exit}): ${reason}`);
    this.name = 'NodeStartError';
    this.reason = reason;
  }
}

interface Running {
  child: ChildProcess;
  exited: Promise<string>;
  paused: boolean;
  /** Set when the lab itself stops it: its exit is no surprise. */
  stopping: boolean;
}

export class NodeProcesses {
  private readonly running = new Map<number, Running>();
  private readonly logs = new Map<number, WriteStream>();
  private readonly recent = new Map<number, string[]>();
  private readonly envOf = new Map<number, Record<string, string>>();
  /** Exits the lab did not cause (a crash, a refusal after a restart), for the run log. */
  readonly unexpectedExits: Array<{ node: number; exit: string; time: number; lastLines: string[] }> = [];

  constructor(
    readonly runDir: string,
    private readonly specs: ReadonlyMap<number, LabNodeSpec>,
    private readonly env: Record<string, string>,
    private readonly now: () => number,
  ) {}

  get ids(): number[] {
    return [...this.specs.keys()];
  }

  dataDir(id: number): string {
    return this.spec(id).dataDir;
  }

  logFile(id: number): string {
    return join(this.runDir, `node-${id}.log`);
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  isPaused(id: number): boolean {
    return this.running.get(id)?.paused ?? false;
  }

  /**
   * Starts the node (with `env` on top of the lab's, e.g. another tick) and waits until it
   * listens; throws NodeStartError if it exits first, with its last lines.
   */
  async start(id: number, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
    if (this.running.has(id)) throw new Error(`node ${id} is already running`);
    const spec = this.spec(id);
    this.envOf.set(id, env);
    const log = this.log(id);
    log.write(`---- lab: starting node ${id}: flotilla ${spec.args.join(' ')}${Object.keys(env).length ? ` (env ${JSON.stringify(env)})` : ''}\n`);
    const child = spawn(process.execPath, [LAUNCHER, ...spec.args], { cwd: REPO_ROOT, env: { ...process.env, ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let listening = false;
    let onListen: () => void = () => undefined;
    const listened = new Promise<void>((resolve) => (onListen = resolve));
    const recent: string[] = [];
    this.recent.set(id, recent);
    const onLine = (line: string) => {
      log.write(`${line}\n`);
      recent.push(line);
      if (recent.length > 30) recent.shift();
      if (!listening && line.startsWith(`flotilla node ${id}: clients on`)) {
        listening = true;
        onListen();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    const entry: Running = {
      child,
      paused: false,
      stopping: false,
      exited: new Promise<string>((resolve) => {
        child.on('exit', (code, signal) => {
          const exit = signal ? `killed by ${signal}` : `exit code ${code}`;
          log.write(`---- lab: node ${id} exited (${exit})\n`);
          if (this.running.get(id) === entry) this.running.delete(id);
          if (!entry.stopping && listening) this.unexpectedExits.push({ node: id, exit, time: this.now(), lastLines: [...recent] });
          resolve(exit);
        });
        child.on('error', (e) => log.write(`---- lab: spawn error: ${e.message}\n`));
      }),
    };
    this.running.set(id, entry);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      listened.then(() => 'listening' as const),
      entry.exited.then((exit) => ({ exit })),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome === 'listening') return;
    if (outcome === 'timeout') {
      await this.kill(id);
      throw new NodeStartError(id, `no "clients on" line within ${timeoutMs} ms`, [...recent]);
    }
    // The exit handler runs before the last lines are read out of the pipes: give them a moment.
    await new Promise((r) => setTimeout(r, 100));
    throw new NodeStartError(id, outcome.exit, [...recent]);
  }

  /** The environment the node was last started with on top of the lab's (the clock nemesis's tick). */
  extraEnv(id: number): Record<string, string> {
    return this.envOf.get(id) ?? {};
  }

  /** SIGKILL (or another signal) and wait for the exit. Not running: nothing to do. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    r.stopping = true;
    r.child.kill(signal);
    if (r.paused && signal !== 'SIGKILL') r.child.kill('SIGCONT'); // a stopped process takes no other signal
    r.paused = false;
    await r.exited;
  }

  /** SIGTERM and wait for a clean exit; SIGKILL after `timeoutMs`. */
  async stop(id: number, timeoutMs = 15_000): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
    await this.kill(id, 'SIGTERM');
    clearTimeout(timer);
  }

  pause(id: number): void {
    const r = this.running.get(id);
    if (!r || r.paused) return;
    r.child.kill('SIGSTOP');
    r.paused = true;
    this.log(id).write('---- lab: SIGSTOP\n');
  }

  resume(id: number): void {
    const r = this.running.get(id);
    if (!r || !r.paused) return;
    r.child.kill('SIGCONT');
    r.paused = false;
    this.log(id).write('---- lab: SIGCONT\n');
  }

  /** Last lines the node printed. */
  lastLines(id: number): string[] {
    return [...(this.recent.get(id) ?? [])];
  }

  /** Kills every node and closes the log files. */
  async close(): Promise<void> {
    await Promise.all(this.ids.map((id) => this.kill(id)));
    await Promise.all([...this.logs.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
    this.logs.clear();
  }

  /** Synchronous last resort when the lab's own process is exiting. */
  killAllNow(): void {
    for (const r of this.running.values()) r.child.kill('SIGKILL');
  }

  private log(id: number): WriteStream {
    let s = this.logs.get(id);
    if (!s) this.logs.set(id, (s = createWriteStream(this.logFile(id), { flags: 'a' })));
    return s;
  }

  private spec(id: number): LabNodeSpec {
    const s = this.specs.get(id);
    if (!s) throw new RangeError(`no node ${id} (nodes: ${this.ids.join(', ')})`);
    return s;
  }
}
