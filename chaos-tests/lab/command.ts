/**
 * `flotilla chaos`: parses the options, runs the lab, prints progress, a verdict per checker and
 * recovery times, and exits 1 on any violation (printing the seed and the command that replays
 * the schedule).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHECKERS } from './check';
import { type LabOptions, type LabRun, runLab, validateLabOptions } from './run';
import { buildSchedule, describeFault, FAMILIES, FAULT_KINDS, FAULTS, type FaultKind, NAMED_ONLY, parseNemeses } from './schedule';
import { reportFromDir } from '../report/index';

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const DEFAULT_NEMESES = 'partition,kill,pause,storage,clock';
const ATTACHED_NEMESES = FAULT_KINDS.filter((k) => FAULTS[k].family === 'partition' && k !== 'client-cut-leader').join(',');

export const CHAOS_HELP = `Usage: flotilla chaos [options]
       flotilla chaos report DIR    (re)write DIR/report.html from a run's history.jsonl and results.json

Runs a Flotilla cluster under faults while clients append, conditionally append and read, then
heals it, reads every partition back and checks the history: acknowledged writes lost,
duplicates, aborted or inconsistent reads, replicas that disagree, non-linearizable appends and
end-offset reads, slow recovery, nodes that crashed. The schedule of faults comes from the seed:
the same seed and options give the same schedule. Exits 1 if any checker finds a violation.

Options:
  --nemesis LIST      families or single faults, comma-separated (default: every family;
                      with --brokers, the partition faults but client-cut-leader):
${FAMILIES.map((f) => `                        ${f}: ${FAULT_KINDS.filter((k) => FAULTS[k].family === f && !NAMED_ONLY.includes(k)).join(', ')}`).join('\n')}
                      only when named: restore-older (an older copy of a voter's directory:
                      unsafe by design), amnesia-all (loses acknowledged writes on purpose)
  --time SECONDS      how long faults are scheduled for (default 300)
  --seed N            the schedule's seed (default: a random one, printed)
  --nodes N           nodes of the lab's own cluster, 3 or 5 (default 3)
  --partitions N      partitions of the test topic (default 3)
  --writers N         appending clients per partition (default 2)
  --hold MIN-MAX      seconds each fault lasts (default 4-10)
  --gap MIN-MAX       quiet seconds after each fault (default 3-6)
  --tick MS           the nodes' Raft tick (default 50; FLOTILLA_TICK_MS of each node)
  --election-ticks N  ticks per election timeout (default 10)
  --liveness SECONDS  writes must succeed again this soon after a fault ends (default 30)
  --brokers LIST      attach to this cluster instead (network faults only; needs --toxiproxy)
  --toxiproxy URL     the Toxiproxy in front of the peer links (default $TOXIPROXY_URL; the
                      lab's own cluster otherwise runs its own fault proxy in-process)
  --out DIR           where history.jsonl, results.json and the node logs go
                      (default ./chaos-runs/seed-N-TIME)
  --keep-data         keep the nodes' data directories even when every check passes
  --schedule          print the schedule the seed gives, and exit (no cluster)
  -h, --help          this help

Examples:
  flotilla chaos --time 60
  flotilla chaos --nemesis partition,kill,pause,storage,clock --time 300 --seed 7 --nodes 5
  flotilla chaos --nemesis partition --brokers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 --toxiproxy http://127.0.0.1:8474
`;

export interface ChaosOptions extends Omit<LabOptions, 'log' | 'signal' | 'progressEveryMs' | 'reproduce'> {
  nemesisText: string;
  scheduleOnly: boolean;
}

function int(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return Number(text);
}

function seconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new Error(`--${name} must be a number of seconds above 0, not "${text}"`);
  return Math.round(Number(text) * 1000);
}

function range(name: string, text: string | undefined, fallback: [number, number]): [number, number] {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) throw new Error(`--${name} must be seconds or MIN-MAX seconds (e.g. 4-10), not "${text}"`);
  const lo = Math.round(Number(m[1]) * 1000);
  const hi = Math.round(Number(m[2] ?? m[1]) * 1000);
  if (hi < lo) throw new Error(`--${name} ${text}: the maximum is below the minimum`);
  return [lo, hi];
}

export function parseChaosOptions(argv: string[], env: NodeJS.ProcessEnv, now = new Date()): ChaosOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      nemesis: { type: 'string' },
      time: { type: 'string' },
      seed: { type: 'string' },
      nodes: { type: 'string' },
      partitions: { type: 'string' },
      writers: { type: 'string' },
      hold: { type: 'string' },
      gap: { type: 'string' },
      tick: { type: 'string' },
      'election-ticks': { type: 'string' },
      liveness: { type: 'string' },
      brokers: { type: 'string' },
      toxiproxy: { type: 'string' },
      out: { type: 'string' },
      'keep-data': { type: 'boolean', default: false },
      schedule: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  // Against a cluster the lab does not run, only network faults are possible: they are the default there.
  // (docker-compose.yml does not proxy clients, so client-cut-leader is left out unless named).
  const nemesisText = values.nemesis ?? (values.brokers !== undefined ? ATTACHED_NEMESES : DEFAULT_NEMESES);
  const nemeses = parseNemeses(nemesisText);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : int('seed', values.seed, 0, 0, 2 ** 32 - 1);
  const nodes = int('nodes', values.nodes, 3, 1, 9);
  const brokers = values.brokers?.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers) {
    const bad = brokers.find((b) => !/^[^\s:]+:\d+$/.test(b));
    if (bad !== undefined || brokers.length === 0) throw new Error(`--brokers must be HOST:PORT,... (got "${values.brokers}")`);
    if (values.nodes !== undefined) throw new Error('--nodes is for the lab\'s own cluster: drop it with --brokers');
  }
  const toxiproxyUrl = values.toxiproxy ?? (env.TOXIPROXY_URL?.trim() || undefined);
  if (toxiproxyUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(toxiproxyUrl)) throw new Error(`--toxiproxy must be an http:// URL (e.g. http://127.0.0.1:8474), not "${toxiproxyUrl}"`);
  const o: ChaosOptions = {
    seed,
    nemesisText,
    nemeses,
    timeMs: seconds('time', values.time, 300_000),
    nodes,
    partitions: int('partitions', values.partitions, 3, 1, 64),
    writersPerPartition: int('writers', values.writers, 2, 1, 32),
    holdMs: range('hold', values.hold, [4000, 10_000]),
    gapMs: range('gap', values.gap, [3000, 6000]),
    tickMs: int('tick', values.tick, 50, 5, 1000),
    electionTicks: int('election-ticks', values['election-ticks'], 10, 3, 100),
    livenessBoundMs: seconds('liveness', values.liveness, 30_000),
    brokers,
    toxiproxyUrl,
    outDir: resolve(values.out ?? `chaos-runs/seed-${seed}-${now.toISOString().replace(/[:.]/g, '-')}`),
    keepData: values['keep-data'],
    thinkMs: 5,
    scheduleOnly: values.schedule,
  };
  validateLabOptions(o);
  return o;
}

/** The command that replays a run's schedule: every option the schedule depends on. */
export function reproduceCommand(o: ChaosOptions): string {
  const parts = ['npx flotilla chaos', `--nemesis ${o.nemesisText}`, `--time ${o.timeMs / 1000}`, `--seed ${o.seed}`];
  if (o.brokers) parts.push(`--brokers ${o.brokers.join(',')}`, `--toxiproxy ${o.toxiproxyUrl}`);
  else parts.push(`--nodes ${o.nodes}`, `--tick ${o.tickMs}`, `--election-ticks ${o.electionTicks}`);
  parts.push(`--partitions ${o.partitions}`, `--writers ${o.writersPerPartition}`, `--hold ${o.holdMs.map((x) => x / 1000).join('-')}`, `--gap ${o.gapMs.map((x) => x / 1000).join('-')}`);
  return parts.join(' ');
}

/** Runs `flotilla chaos` with `argv` (what follows `chaos`); returns the exit code. */
export async function runChaosCommand(argv: string[], io: CommandIO, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env, hooks: { onRun?: (run: LabRun) => void } = {}): Promise<number> {
  if (argv[0] === 'report') return reportCommand(argv.slice(1), io);
  let o: ChaosOptions;
  try {
    const parsed = parseChaosOptions(argv, env);
    if (parsed === 'help') {
      io.stdout.write(CHAOS_HELP);
      return 0;
    }
    o = parsed;
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\nRun "flotilla chaos --help" for usage.\n`);
    return 1;
  }
  const reproduce = reproduceCommand(o);
  if (o.scheduleOnly) {
    const ids = Array.from({ length: o.nodes }, (_, k) => k + 1);
    const schedule = buildSchedule({ seed: o.seed, kinds: o.nemeses, nodeIds: ids, partitions: o.partitions, durationMs: o.timeMs, holdMs: o.holdMs, gapMs: o.gapMs });
    io.stdout.write(`seed ${o.seed}: ${schedule.length} faults\n`);
    for (const f of schedule) io.stdout.write(`${describeFault(f)}  nodes [${f.nodes.join(', ')}]  partition ${f.partition}  magnitude ${f.magnitude.toFixed(3)}\n`);
    return 0;
  }
  io.stdout.write(`chaos: seed ${o.seed}, nemeses ${o.nemeses.join(', ')}; output in ${o.outDir}\n`);
  let run: LabRun;
  try {
    run = await runLab({ ...o, reproduce, log: (line) => io.stdout.write(`chaos: ${line}\n`), progressEveryMs: 5000, signal });
  } catch (error) {
    io.stderr.write(`error: the lab could not run: ${(error as Error).message}\n(seed ${o.seed}; node logs in ${o.outDir}; the same schedule again: ${reproduce})\n`);
    return 1;
  }
  hooks.onRun?.(run);
  const { results } = run;
  io.stdout.write(`\nverdicts (${results.operations} operations, ${results.faults.length} faults):\n`);
  const width = Math.max(...CHECKERS.map((c) => c.length));
  for (const v of results.verdicts) {
    io.stdout.write(`  ${v.checker.padEnd(width)}  ${v.ok ? 'ok  ' : 'FAIL'}  ${v.summary}\n`);
    for (const a of v.anomalies.slice(0, 10)) io.stdout.write(`      ${a.partition >= 0 ? `partition ${a.partition}: ` : ''}${a.message}${a.lines.length ? ` (history lines ${a.lines.slice(0, 6).join(', ')}${a.lines.length > 6 ? ', ...' : ''})` : ''}\n`);
    if (v.anomalies.length > 10) io.stdout.write(`      ... and ${v.anomalies.length - 10} more in results.json\n`);
  }
  if (results.recovery.length > 0) {
    io.stdout.write('recovery (fault end to the next acknowledged write on every partition):\n');
    results.faults.forEach((f, i) => {
      const r = results.recovery[i];
      io.stdout.write(`  #${f.n} ${f.kind.padEnd(20)} ${r?.recoveryMs === undefined ? 'never' : `${(r.recoveryMs / 1000).toFixed(2)} s`}  ${f.outcome ?? ''}\n`);
    });
  }
  io.stdout.write(`results: ${resolve(o.outDir, 'results.json')}\nhistory: ${resolve(o.outDir, 'history.jsonl')}\nreport:  ${resolve(o.outDir, 'report.html')}\n`);
  if (results.ok) {
    io.stdout.write(`chaos: every checker passed (seed ${o.seed})\n`);
    return 0;
  }
  io.stdout.write(`chaos: VIOLATION (seed ${o.seed}). The same schedule again:\n  ${reproduce}\n`);
  return 1;
}

/** `flotilla chaos report DIR`: the HTML report of a run directory, written again (e.g. after a lab upgrade). */
async function reportCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    io.stderr.write('error: flotilla chaos report takes one run directory (the --out of a run)\nRun "flotilla chaos --help" for usage.\n');
    return 1;
  }
  try {
    io.stdout.write(`report: ${await reportFromDir(args[0])}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
