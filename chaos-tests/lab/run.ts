/**
 * One lab run: start (or attach to) a cluster, create a topic, run the workload while the
 * schedule's faults come and go, heal everything, wait until writes succeed again, read every
 * partition back (from every replica the lab can reach), run the checkers, and write
 * history.jsonl and results.json into the output directory.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Flotilla } from '../../cluster/client/index';
import { type CheckResult, checkRun } from './check';
import { attachCluster, type ClusterUnderTest, startLabCluster } from './cluster';
import { finalReads, waitLeaders } from './final-reads';
import { type FaultRecord, Nemesis } from './nemesis';
import { HistoryRecorder } from './recorder';
import { type LabResults, perSecond } from './results';
import { buildSchedule, describeFault, type FaultKind, FAULTS, needsProcesses, type ScheduledFault } from './schedule';
import { Workload } from './workload';
import { writeReport } from '../report/index';

export interface LabOptions {
  seed: number;
  nemeses: FaultKind[];
  /** How long faults are scheduled for (ms). */
  timeMs: number;
  nodes: number;
  partitions: number;
  writersPerPartition: number;
  holdMs: [number, number];
  gapMs: [number, number];
  outDir: string;
  /** Attach to this cluster instead of starting one (network faults only). */
  brokers?: string[];
  /** The Toxiproxy to drive (attached clusters need one; the lab's own cluster defaults to TOXIPROXY_URL, else an in-process one). */
  toxiproxyUrl?: string;
  tickMs: number;
  electionTicks: number;
  thinkMs: number;
  livenessBoundMs: number;
  /** Keep the nodes' data directories even when every checker passes. */
  keepData: boolean;
  /** The command that replays this schedule, printed on failure and stored in results.json. */
  reproduce: string;
  log: (line: string) => void;
  progressEveryMs: number;
  signal?: AbortSignal;
}

export interface LabRun {
  results: LabResults;
  check: CheckResult;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Throws a clear error for options that cannot work together. */
export function validateLabOptions(o: Pick<LabOptions, 'brokers' | 'toxiproxyUrl' | 'nemeses' | 'nodes'>): void {
  if (o.brokers) {
    if (!o.toxiproxyUrl) throw new Error('--brokers needs --toxiproxy URL (or TOXIPROXY_URL): the lab makes network faults through the Toxiproxy in front of the peer links');
    const owned = o.nemeses.filter(needsProcesses);
    if (owned.length > 0) {
      throw new Error(`${owned.join(', ')} need${owned.length === 1 ? 's' : ''} the lab to run the nodes itself; against --brokers only network faults (partition) are possible`);
    }
  }
}

export async function runLab(o: LabOptions): Promise<LabRun> {
  validateLabOptions(o);
  await mkdir(o.outDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const history = new HistoryRecorder(join(o.outDir, 'history.jsonl'));
  const notes: string[] = [];
  const note = (line: string) => {
    notes.push(`${(history.now() / 1000).toFixed(1)}s ${line}`);
    o.log(line);
  };
  const clientCut = o.nemeses.includes('client-cut-leader');
  o.log(o.brokers ? `attaching to ${o.brokers.join(',')} (Toxiproxy ${o.toxiproxyUrl})` : `starting ${o.nodes} nodes (tick ${o.tickMs} ms, election ${o.electionTicks} ticks), every peer link and client connection through its own proxy`);
  const cluster: ClusterUnderTest = o.brokers
    ? await attachCluster(o.brokers, o.toxiproxyUrl!, clientCut)
    : await startLabCluster({ nodes: o.nodes, runDir: o.outDir, toxiproxyUrl: o.toxiproxyUrl, tickMs: o.tickMs, electionTicks: o.electionTicks, now: () => history.now() });
  const clientOptions = { brokers: cluster.brokers, requestTimeoutMs: 2000, callTimeoutMs: 8000, retry: { retries: 40, initialBackoffMs: 50, maxBackoffMs: 500 } };
  const workClient = new Flotilla({ ...clientOptions, clientId: 'chaos-workload' });
  const adminClient = new Flotilla({ ...clientOptions, clientId: 'chaos-nemesis' });
  const faults: FaultRecord[] = [];
  let schedule: ScheduledFault[] = [];
  let check: CheckResult | undefined;
  let results: LabResults | undefined;
  try {
    const topic = o.brokers ? `chaos-${o.seed}-${Date.now()}` : 'chaos';
    await adminClient.admin().createTopic({ name: topic, partitions: o.partitions, replicationFactor: Math.min(3, cluster.nodeIds.length) });
    if (!(await waitLeaders(adminClient, topic, undefined, 60_000))) throw new Error(`topic ${topic}: not every partition had a leader within 60 s`);
    schedule = buildSchedule({ seed: o.seed, kinds: o.nemeses, nodeIds: cluster.nodeIds, partitions: o.partitions, durationMs: o.timeMs, holdMs: o.holdMs, gapMs: o.gapMs });
    o.log(`topic ${topic}: ${o.partitions} partitions; ${schedule.length} faults scheduled over ${o.timeMs / 1000} s (seed ${o.seed})`);
    for (const f of schedule.slice(0, 20)) o.log(`  ${describeFault(f)}`);
    if (schedule.length > 20) o.log(`  ... ${schedule.length - 20} more (results.json has them all; --schedule prints them)`);

    const workload = new Workload(workClient, history, { topic, partitions: o.partitions, writersPerPartition: o.writersPerPartition, thinkMs: o.thinkMs, deliveryTimeoutMs: 8000 });
    const nemesis = new Nemesis({ cluster, history, admin: adminClient, topic, runDir: o.outDir, seed: o.seed, log: note });
    history.zero();
    const t0 = history.now();
    let active = 'none';
    let lastCount = 0;
    let lastAt = t0;
    const progress = setInterval(() => {
      const c = workload.counters;
      const total = c.ok + c.fail + c.info;
      const now = history.now();
      const rate = ((total - lastCount) * 1000) / Math.max(1, now - lastAt);
      lastCount = total;
      lastAt = now;
      o.log(`[${((now - t0) / 1000).toFixed(0).padStart(4)}s/${o.timeMs / 1000}s] ${rate.toFixed(0)} ops/s  ok ${c.ok}  fail ${c.fail}  info ${c.info}  fault: ${active}`);
    }, o.progressEveryMs);
    workload.start();
    try {
      for (const f of schedule) {
        await sleep(t0 + f.at - history.now(), o.signal);
        if (o.signal?.aborted) break;
        active = `${f.kind} (starting)`;
        faults.push(await nemesis.run(f, (what) => (active = what)));
        active = 'none';
      }
      await sleep(t0 + o.timeMs - history.now(), o.signal);
      // Heal everything, then keep the workload going until every partition took a write again.
      active = 'healing';
      await cluster.network.healAll();
      await nemesis.ensureUp();
      const healed = history.nemesis('start', 'final-heal', 'every proxy enabled without toxics, every node running');
      history.nemesis('end', 'final-heal');
      active = 'none (healed)';
      const deadline = history.now() + o.livenessBoundMs;
      const recovered = () => {
        const since = new Set<number>();
        const invokedAt = new Map<number, number>();
        for (const e of history.events) {
          if (e.type === 'invoke') invokedAt.set(e.process, e.time);
          else if (e.type === 'ok' && (e.f === 'append' || e.f === 'cas') && (invokedAt.get(e.process) ?? -1) >= healed.time) since.add(e.partition);
        }
        return since.size >= o.partitions;
      };
      while (!recovered() && history.now() < deadline) await sleep(250);
      await sleep(1000);
    } finally {
      clearInterval(progress);
      await workload.finish();
    }
    await history.close();

    o.log('reading every partition back, and from every replica the lab can get to lead it');
    const reads = await finalReads(adminClient, cluster.network, topic, { rounds: 3 * cluster.nodeIds.length, timeoutMs: 30_000, log: note });
    const damaged = new Map<number, number>();
    for (const f of faults) {
      if (FAULTS[f.kind as FaultKind]?.family === 'storage') {
        const nodes = /^node (\d+):/.exec(f.detail) ? [Number(/^node (\d+):/.exec(f.detail)![1])] : cluster.nodeIds;
        for (const node of nodes) if (!damaged.has(node)) damaged.set(node, f.start);
      }
    }
    const exits = (cluster.processes?.unexpectedExits ?? []).map((e) => ({ ...e, damaged: damaged.has(e.node) && damaged.get(e.node)! <= e.time }));
    check = checkRun({
      history: history.events,
      finals: reads.finals,
      replicaReads: reads.replicaReads,
      unread: reads.unread,
      partitions: Array.from({ length: o.partitions }, (_, p) => p),
      livenessBoundMs: o.livenessBoundMs,
      exits,
    });
    results = {
      version: 1,
      seed: o.seed,
      nemeses: o.nemeses,
      options: { nodes: cluster.nodeIds.length, partitions: o.partitions, timeMs: o.timeMs, holdMs: o.holdMs, gapMs: o.gapMs, tickMs: cluster.tickMs, electionTicks: cluster.electionTicks, writersPerPartition: o.writersPerPartition, livenessBoundMs: o.livenessBoundMs, attached: Boolean(o.brokers), topic },
      reproduce: o.reproduce,
      startedAt,
      durationMs: Math.round(history.now()),
      ok: check.ok,
      operations: check.operations,
      verdicts: check.verdicts,
      recovery: check.recovery,
      schedule,
      faults: faults.map((f) => ({ ...f, fault: f.kind })),
      throughput: perSecond(history.events),
      notes,
      files: { history: 'history.jsonl', nodeLogs: cluster.processes ? cluster.nodeIds.map((id) => `node-${id}.log`) : [] },
    };
    await writeFile(join(o.outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
    await writeReport(o.outDir, { history: history.events, results });
    return { results, check };
  } finally {
    await history.close();
    await Promise.allSettled([workClient.close(), adminClient.close()]);
    // An attached cluster's Toxiproxy outlives the lab: never leave a fault in place there.
    if (!cluster.processes) await cluster.network.healAll().catch((error) => o.log(`could not heal the proxies: ${(error as Error).message}`));
    await cluster.close();
    if (cluster.processes && check?.ok && !o.keepData) {
      for (const id of cluster.nodeIds) await rm(cluster.processes.dataDir(id), { recursive: true, force: true });
      await rm(join(o.outDir, 'backups'), { recursive: true, force: true });
    }
  }
}
