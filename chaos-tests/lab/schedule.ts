/**
 * The fault schedule: which faults run, when, for how long, and on which nodes, all drawn from
 * one seed before the run starts, so the same seed and options give the same schedule. Only what
 * depends on the cluster's state at that moment (which node leads a partition) is looked up when
 * the fault starts.
 */
import { Rng } from './rng';

export const FAMILIES = ['partition', 'kill', 'pause', 'storage', 'clock'] as const;
export type Family = (typeof FAMILIES)[number];

/** Every fault the lab can run, with its family and what it does (the help and the docs list these). */
export const FAULTS = {
  'isolate-one': { family: 'partition', what: 'cut every peer link of one node, both ways' },
  split: { family: 'partition', what: 'split the nodes into a majority and a minority' },
  'isolate-leader': { family: 'partition', what: "cut every peer link of a partition's leader" },
  bridge: { family: 'partition', what: 'two halves that cannot talk, and one node that talks to both' },
  ring: { family: 'partition', what: 'each node reaches only its two neighbours: overlapping majorities (5 nodes)' },
  'one-way': { family: 'partition', what: 'drop what some nodes send to others, while the way back still works' },
  slow: { family: 'partition', what: 'latency with jitter on every peer link' },
  thin: { family: 'partition', what: 'a bandwidth limit on every peer link' },
  'client-cut-leader': { family: 'partition', what: "clients cannot reach a partition's leader; the nodes still can" },
  'kill-one': { family: 'kill', what: 'SIGKILL a random node, restart it when the fault ends' },
  'kill-leader': { family: 'kill', what: "SIGKILL a partition's leader, restart it when the fault ends" },
  'kill-all': { family: 'kill', what: 'SIGKILL every node at once, restart them all when the fault ends' },
  'rolling-restart': { family: 'kill', what: 'restart the nodes one after the other (SIGTERM, start, wait until it listens)' },
  'pause-one': { family: 'pause', what: 'SIGSTOP a random node for longer than the election timeout, then SIGCONT' },
  'pause-leader': { family: 'pause', what: "SIGSTOP a partition's leader, then SIGCONT (it must not acknowledge or serve stale reads when it wakes)" },
  'pause-minority-kill': { family: 'pause', what: 'SIGSTOP a minority, SIGKILL another node, then restart it and resume the paused ones' },
  corrupt: { family: 'storage', what: "flip bits in a stopped minority node's LevelDB files, then start it" },
  'truncate-wal': { family: 'storage', what: "cut the end off a stopped minority node's LevelDB write-ahead log, then start it" },
  wipe: { family: 'storage', what: "delete a stopped minority node's data directory, then start it (it rejoins empty and is resynced)" },
  'restore-older': { family: 'storage', what: "put back an older copy of a minority node's data directory, then start it (not in the default schedule)" },
  'amnesia-all': { family: 'storage', what: 'every node gets back an older copy of its data directory: acknowledged writes are lost by construction (a planted fault, to see the checkers catch it)' },
  'clock-fast': { family: 'clock', what: 'restart one node with a tick 4x shorter than the others (its timeouts run fast)' },
  'clock-slow': { family: 'clock', what: 'restart one node with a tick 3x longer than the others (its timeouts run slow)' },
} as const satisfies Record<string, { family: Family; what: string }>;

export type FaultKind = keyof typeof FAULTS;
export const FAULT_KINDS = Object.keys(FAULTS) as FaultKind[];

/**
 * Faults a family name does not select: rolling a voter's disk back to an older copy of the same
 * directory (its incarnation unchanged) forgets acknowledged entries and votes in a way no node
 * can detect, so it can break Raft's guarantees by design, and amnesia-all breaks them on
 * purpose. They run only when named. (A wiped disk is detected and resynced: `wipe` is a storage fault.)
 */
export const NAMED_ONLY: readonly FaultKind[] = ['restore-older', 'amnesia-all'];

/** Faults that need the lab to own the node processes (not possible against a cluster it attached to). */
export function needsProcesses(kind: FaultKind): boolean {
  const family = FAULTS[kind].family;
  return family !== 'partition';
}

/**
 * `--nemesis partition,kill,wipe`: families and single faults, or `all` (every family). Throws
 * with the accepted names on anything else.
 */
export function parseNemeses(text: string): FaultKind[] {
  const out = new Set<FaultKind>();
  const words = text.split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.length === 0) throw new Error('--nemesis is empty: name families or faults, e.g. partition,kill');
  for (const word of words) {
    if (word === 'all') {
      for (const k of FAULT_KINDS) if (!NAMED_ONLY.includes(k)) out.add(k);
    } else if ((FAMILIES as readonly string[]).includes(word)) {
      for (const k of FAULT_KINDS) if (FAULTS[k].family === word && !NAMED_ONLY.includes(k)) out.add(k);
    } else if (word in FAULTS) {
      out.add(word as FaultKind);
    } else {
      throw new Error(`--nemesis: unknown "${word}"; families: ${FAMILIES.join(', ')}, all; faults: ${FAULT_KINDS.join(', ')}`);
    }
  }
  return FAULT_KINDS.filter((k) => out.has(k));
}

/** One fault of the schedule. Times are milliseconds from the start of the run. */
export interface ScheduledFault {
  /** 1-based position in the schedule. */
  n: number;
  kind: FaultKind;
  at: number;
  holdMs: number;
  /** The node ids in a seeded order: each fault takes its targets from the front (or splits it). */
  nodes: number[];
  /** The partition whose leader a leader-targeting fault looks up. */
  partition: number;
  /** A draw in [0, 1) for the fault's magnitude (latency, bandwidth, how much to damage). */
  magnitude: number;
}

export interface ScheduleOptions {
  seed: number;
  kinds: readonly FaultKind[];
  nodeIds: readonly number[];
  partitions: number;
  /** How long faults are scheduled for, in ms. */
  durationMs: number;
  /** Range of how long each fault lasts, and of the quiet time after it (ms). */
  holdMs: readonly [number, number];
  gapMs: readonly [number, number];
  /** Quiet time before the first fault (ms), for the workload to warm up. */
  warmupMs?: number;
}

/**
 * The faults, one after the other with quiet time between, in seeded rounds: every chosen fault
 * runs once, in a shuffled order, before any runs again (so a short run still covers them all).
 */
export function buildSchedule(o: ScheduleOptions): ScheduledFault[] {
  const kinds = applicable(o.kinds, o.nodeIds.length);
  if (kinds.length === 0) return [];
  const rng = new Rng(o.seed);
  const out: ScheduledFault[] = [];
  let at = o.warmupMs ?? 2000;
  let round: FaultKind[] = [];
  for (;;) {
    if (round.length === 0) round = rng.shuffle(kinds);
    const kind = round.shift()!;
    const holdMs = rng.int(o.holdMs[0], o.holdMs[1]);
    const gapMs = rng.int(o.gapMs[0], o.gapMs[1]);
    const fault: ScheduledFault = { n: out.length + 1, kind, at, holdMs, nodes: rng.shuffle(o.nodeIds), partition: rng.int(0, o.partitions - 1), magnitude: rng.next() };
    if (at + holdMs > o.durationMs && out.length > 0) break;
    out.push(fault);
    at += holdMs + gapMs;
    if (at >= o.durationMs) break;
  }
  return out;
}

/** The chosen faults that make sense on this many nodes (a ring needs 5: on 3, every node neighbours every other). */
export function applicable(kinds: readonly FaultKind[], nodes: number): FaultKind[] {
  return kinds.filter((k) => {
    if (k === 'ring') return nodes >= 5;
    if (nodes < 2) return FAULTS[k].family !== 'partition' || k === 'client-cut-leader' || k === 'slow' || k === 'thin';
    return true;
  });
}

/** A one-line description of a scheduled fault, as progress and the history's nemesis events show it. */
export function describeFault(f: ScheduledFault): string {
  return `#${f.n} ${f.kind} at ${(f.at / 1000).toFixed(1)}s for ${(f.holdMs / 1000).toFixed(1)}s`;
}
