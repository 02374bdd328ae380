import { type NodeId, Rng } from '../../../raft';
import type { PlantedHostBug } from '../planted-host-bugs';
import { HostChecker, HostSimViolation } from './host-checker';
import { SimClients } from './sim-clients';
import { groupOf, SimHost } from './sim-host';
import { CALM_NET, SimNetwork } from './sim-network';
import { VirtualTime } from './virtual-time';

export interface HostSimOptions {
  seed: number;
  /** 3 (default) or 5 nodes; every partition has a replica on every node. */
  nodes?: number;
  partitions?: number;
  /** Virtual milliseconds of faults (default 1,800), before the network heals and nodes restart. */
  faultMs?: number;
  bugs?: ReadonlySet<PlantedHostBug>;
  /** Every event, for replays. */
  log?: (line: string) => void;
}

export interface HostSimResult {
  seed: number;
  steps: number;
  virtualMs: number;
  faults: Record<string, number>;
  records: { produced: number; acknowledged: number; leaderAcks: number; conditional: number; fetched: number; applied: number };
  groupFailures: number;
  repairs: number;
  snapshots: number;
}

/** The one command that replays a schedule, printed with every failure. */
export function hostReplayCommand(o: HostSimOptions): string {
  const bug = o.bugs && o.bugs.size > 0 ? ` --bug ${[...o.bugs].join(',')}` : '';
  const nodes = o.nodes && o.nodes !== 3 ? ` --nodes ${o.nodes}` : '';
  return `npm run sim:host -- --seed ${o.seed}${nodes}${bug} --verbose`;
}

/** A violation, with the seed and the command that replays it. */
export class HostSimFailure extends Error {
  constructor(
    readonly options: HostSimOptions,
    override readonly cause: unknown,
    readonly at: { step: number; time: number },
  ) {
    super(
      `host simulation seed ${options.seed} failed at step ${at.step} (t=${at.time} ms): ${cause instanceof Error ? cause.message : String(cause)}\n` +
        `replay: ${hostReplayCommand(options)}`,
    );
    this.name = 'HostSimFailure';
  }
}

const TICK_MS = 10;
const ELECTION_TICKS = 10;
const HEAL_MS = 800;
const LIVENESS_MS = 6000;

/**
 * One seeded schedule of the whole node under simulation (TigerBeetle's VOPR is the model): 3 or
 * 5 production hosts (MultiRaft, the LevelDB store adapter over SimKv, partition replicas, leader
 * sessions, index waiters, retention) on one virtual clock and network, clients producing and
 * fetching throughout, and a nemesis that crashes and restarts nodes, cuts and heals links,
 * drops, duplicates and delays frames, loses answers, makes applies throw, and corrupts one
 * node's disk. Every step is followed by the Raft invariants of every live group and the
 * checkers' properties; at the end, the network heals and every node restarts, and the cluster
 * must finish every pending write and agree on every partition within a bound.
 */
export async function runHostSimulation(opts: HostSimOptions): Promise<HostSimResult> {
  const n = opts.nodes ?? 3;
  const partitions = opts.partitions ?? 2;
  const faultMs = opts.faultMs ?? 1800;
  const time = new VirtualTime();
  const rng = new Rng(opts.seed);
  let steps = 0;
  const log = (line: string) => opts.log?.(`[step ${steps} t=${time.now}] ${line}`);
  const checker = new HostChecker(() => `t=${time.now} ms, step ${steps}`);
  const net = new SimNetwork(time, rng);
  const ids: NodeId[] = Array.from({ length: n }, (_, i) => i + 1);
  const replicaNodes = ids; // every partition has a replica on every node
  // One node's disk is bad in some schedules: bit rot in stored values, and reads that flip a byte.
  const badDisk = rng.int(3) === 0 ? ids[rng.int(3)] : 0;
  const hosts = ids.map(
    (id) =>
      new SimHost(
        {
          id,
          nodes: replicaNodes,
          partitions,
          tickMs: TICK_MS,
          electionTicks: ELECTION_TICKS,
          heartbeatTicks: 2,
          // Small segments and retention: logs are compacted and lagging replicas get snapshots.
          stateOptions: { segmentBytes: 600, indexIntervalBytes: 200 },
          retention: { retentionMs: -1, retentionBytes: 2400 },
          kv: { maxLatency: 1 + rng.int(4), readCorruptionPercent: id === badDisk ? rng.int(3) : 0 },
          bugs: opts.bugs ?? new Set(),
        },
        time,
        rng,
        net,
        checker,
        log,
      ),
  );
  const faults: Record<string, number> = {};
  const count = (k: string) => (faults[k] = (faults[k] ?? 0) + 1);
  let failure: unknown;
  const guard = (p: Promise<unknown>) => p.catch((e) => (failure ??= e));
  const live = hosts.filter((h) => h.config.partitions > 0);

  for (const h of hosts) guard(h.boot());

  // ---- clients --------------------------------------------------------------------------------
  const clients = new SimClients(time, rng, live, checker, partitions, log);
  const clientEnd = faultMs + HEAL_MS;
  const stopNew = () => time.now >= clientEnd;
  const clientLoops: Array<Promise<unknown>> = [];
  for (let p = 0; p < partitions; p++) {
    clientLoops.push(guard(clients.idempotentProducer(`p${p}-idem-a`, p, 1000 + p * 10, stopNew)));
    if (rng.int(2) === 0) clientLoops.push(guard(clients.idempotentProducer(`p${p}-idem-b`, p, 1001 + p * 10, stopNew)));
    clientLoops.push(guard(clients.leaderAcksProducer(`p${p}-leader`, p, stopNew)));
    clientLoops.push(guard(clients.conditionalWriter(`p${p}-cas`, p, stopNew)));
    clientLoops.push(guard(clients.consumer(`p${p}-consumer`, p, stopNew)));
  }
  let clientsDone = false;
  void Promise.all(clientLoops).then(() => (clientsDone = true));

  // ---- nemesis ---------------------------------------------------------------------------------
  const leaderOf = (p: number): SimHost | undefined => {
    let best: SimHost | undefined;
    let term = -1;
    for (const h of live) {
      const st = h.multi?.node(groupOf(p))?.status();
      if (st?.role === 'leader' && st.term > term) {
        best = h;
        term = st.term;
      }
    }
    return best;
  };
  const anyHost = () => (rng.int(3) === 0 ? (leaderOf(rng.int(partitions)) ?? live[rng.int(live.length)]) : live[rng.int(live.length)]);
  const nemesis = () => {
    if (time.now >= faultMs) return;
    const roll = rng.int(100);
    if (roll < 14) {
      const h = anyHost();
      if (h.status === 'up' || h.status === 'starting') {
        count('crash');
        log(`nemesis: crash node ${h.id}`);
        h.crash();
        if (rng.int(2) === 0) time.after(rng.int(200), () => void guard(h.boot()));
      }
    } else if (roll < 24) {
      const down = live.filter((h) => h.status === 'down' || h.status === 'refused');
      if (down.length > 0) {
        const h = down[rng.int(down.length)];
        count('restart');
        log(`nemesis: restart node ${h.id}`);
        if (h.status === 'refused') h.status = 'down';
        guard(h.boot());
      }
    } else if (roll < 36) {
      const mask = 1 + rng.int((1 << ids.length) - 2);
      count('partition');
      net.partition(ids, mask);
      log(`nemesis: partition ${net.describeCuts()}`);
    } else if (roll < 44) {
      const h = anyHost();
      count('isolate');
      net.heal();
      for (const o of ids) {
        net.cutLink(h.id, o);
        net.cutLink(o, h.id);
      }
      log(`nemesis: isolate node ${h.id}`);
    } else if (roll < 50) {
      const a = ids[rng.int(ids.length)];
      const b = ids[rng.int(ids.length)];
      count('oneWay');
      net.cutLink(a, b);
      log(`nemesis: cut ${a}->${b}`);
    } else if (roll < 62) {
      count('heal');
      net.heal();
      log('nemesis: heal');
    } else if (roll < 70) {
      count('net');
      net.conditions = { loss: rng.int(20), dup: rng.int(10), maxDelay: 2 + rng.int(25) };
      clients.responseLoss = rng.int(15);
      log(`nemesis: network ${JSON.stringify(net.conditions)}, client answers lost ${clients.responseLoss}%`);
    } else if (roll < 78) {
      const h = live[rng.int(live.length)];
      const p = rng.int(partitions);
      const times = [1, 1, 2, 4][rng.int(4)];
      count('applyFault');
      log(`nemesis: the next ${times} applies of partition ${p} on node ${h.id} throw`);
      h.injectApplyFault(groupOf(p), times);
    } else if (roll < 84) {
      const p = rng.int(partitions);
      const l = leaderOf(p);
      const to = replicaNodes[rng.int(replicaNodes.length)];
      if (l && to !== l.id) {
        count('transfer');
        log(`nemesis: transfer partition ${p} from node ${l.id} to node ${to}`);
        l.multi?.tryWithNode(groupOf(p), (node) => node.transferLeadership(to));
      }
    } else if (roll < 90 && badDisk !== 0) {
      const h = hosts[badDisk - 1];
      if (h.kv.corruptStoredValue(() => true)) {
        count('bitRot');
        log(`nemesis: a stored value on node ${h.id} has a flipped byte`);
      }
    }
    time.after(20 + rng.int(120), nemesis);
  };
  time.after(100 + rng.int(300), nemesis);

  // ---- healing ---------------------------------------------------------------------------------
  time.at(faultMs, () => {
    net.heal();
    net.conditions = { ...CALM_NET };
    clients.responseLoss = 0;
    log('heal: network healed and calm; every node restarts');
    for (const h of live) {
      h.clearApplyFaults();
      // As an operator would: a node with a group fenced for good, or down, is restarted.
      const fencedForGood = h.multi && [...h.replicas.keys()].some((g) => h.multi?.failure(g)?.final);
      if (h.status === 'up' && fencedForGood) h.crash();
      if (h.status === 'down' || h.status === 'refused') {
        h.status = 'down';
        guard(h.boot());
      }
    }
  });

  const deadline = clientEnd + LIVENESS_MS;
  try {
    while (!clientsDone) {
      if (failure) throw failure;
      if (time.now > deadline) {
        const pending = [...clients.pending].map(([who, v]) => `${who} (batch starting ${v})`).join(', ');
        throw new HostSimViolation('liveness', `${LIVENESS_MS} ms after the faults healed, writes are still not acknowledged: ${pending || 'client loops still running'}; nodes: ${hosts.map((h) => `${h.id}:${h.status}`).join(' ')}`);
      }
      if (!time.runNext()) {
        await drain();
        if (!time.runNext() && !clientsDone) throw new HostSimViolation('liveness', 'nothing left to run while clients still wait');
      }
      await drain();
      steps++;
      checkHosts(hosts);
    }
    if (failure) throw failure;
    await settle(time, hosts, partitions, () => steps++, deadline + LIVENESS_MS);
    if (failure) throw failure;
    checker.finish();
  } catch (e) {
    throw new HostSimFailure(opts, e, { step: steps, time: time.now });
  }
  return {
    seed: opts.seed,
    steps,
    virtualMs: time.now,
    faults,
    records: {
      produced: clients.stats.produced,
      acknowledged: clients.stats.acked,
      leaderAcks: clients.stats.leaderAcks,
      conditional: clients.stats.casOk,
      fetched: checker.stats.fetched,
      applied: checker.stats.recordsApplied,
    },
    groupFailures: hosts.reduce((a, h) => a + h.stats.groupFailures, 0),
    repairs: hosts.reduce((a, h) => a + h.stats.repairs, 0),
    snapshots: net.stats.snapshots,
  };
}

/** Every live group's Raft invariants, on every host (after each step). */
function checkHosts(hosts: readonly SimHost[]): void {
  for (const h of hosts) h.multi?.checkInvariants();
}

/** Let every microtask chain started by the last event run to its end (all of it is simulated I/O). */
function drain(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/**
 * After the clients are done: run until every up replica of every partition has applied the same
 * index with the same end offset (all replicas agree), within `until`.
 */
async function settle(time: VirtualTime, hosts: readonly SimHost[], partitions: number, step: () => void, until: number): Promise<void> {
  const agreed = () => {
    for (let p = 0; p < partitions; p++) {
      const states = hosts.filter((h) => h.status === 'up' && h.replicas.has(groupOf(p)) && !h.multi?.failure(groupOf(p))).map((h) => ({ h, s: h.replicas.get(groupOf(p))!.state }));
      if (states.length < 2) return false;
      const first = states[0].s;
      if (states.some(({ s }) => s.appliedIndex !== first.appliedIndex || s.nextOffset !== first.nextOffset)) return false;
    }
    return true;
  };
  while (!agreed()) {
    if (time.now > until) {
      const detail = hosts
        .map((h) => `node ${h.id} (${h.status}): ` + [...h.replicas.values()].map((r) => `p${r.config.partition} applied ${r.state.appliedIndex} end ${r.state.nextOffset}`).join(', '))
        .join('; ');
      throw new HostSimViolation('replicas converge after healing', detail);
    }
    if (!time.runNext()) break;
    await drain();
    step();
    checkHosts(hosts);
  }
}
