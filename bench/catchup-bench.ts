/**
 * Catch-up benchmark: a real 3-node cluster (one process per node on 127.0.0.1-3, LevelDB with
 * fsync), a topic with replication factor 3. One follower (a node that is no partition's
 * preferred leader) is stopped, a backlog of 1 KiB records (1 GB by default) is produced with
 * acks=all while the other two nodes form the quorum, and the follower is restarted while
 * producers keep sending at a fixed target rate. Prints:
 *   - the follower's catch-up speed: the bytes it had to fetch (its lag in bytes when it restarted,
 *     plus the records produced while it caught up) over the time from its restart until its log
 *     end offset reached the leader's high watermark, both as DescribeTopic reports them;
 *   - the time until it was back in the in-sync set (DescribeTopic's inSyncReplicas);
 *   - the producers' rate and p99 latency during the catch-up beside a phase at the same target
 *     rate before the follower was stopped (medians of fixed-length samples, and over the phase).
 * No assertions: if the catch-up never ends within --max-catchup-seconds, or live traffic falls
 * below its target rate, it says so.
 *   npm run bench:catchup
 *   npm run bench:catchup -- --mb 200 --rate 2000 --signal kill --runs 3
 */
import { parseArgs } from 'node:util';
import { BenchCluster } from './bench-cluster';
import { Flotilla, type PartitionDescription, type TopicDescription } from '../cluster/client';

// Not strict: `npm run bench -- ...` hands every benchmark the same options.
const { values: given } = parseArgs({
  strict: false,
  options: {
    gb: { type: 'string' }, // backlog size (default 1)
    mb: { type: 'string' }, // or in MB
    size: { type: 'string' }, // record value bytes (1024)
    partitions: { type: 'string' }, // of the topic (2: one node leads none, and is the one stopped)
    rate: { type: 'string' }, // live traffic, records/s (default: rate-fraction of the warm-up's unthrottled rate)
    'rate-fraction': { type: 'string' }, // 0.25
    'baseline-seconds': { type: 'string' }, // live traffic before the stop (30)
    'sample-seconds': { type: 'string' }, // length of one sample (5)
    window: { type: 'string' }, // records in flight at most (10000)
    'lag-time-ms': { type: 'string' }, // replica.lag.time.max.ms (3000)
    'lag-max-records': { type: 'string' }, // replica.lag.max.records (10000)
    signal: { type: 'string' }, // term or kill (term)
    'max-catchup-seconds': { type: 'string' }, // give up waiting after (900)
    'poll-ms': { type: 'string' }, // describe every (250)
    runs: { type: 'string' }, // stop-backlog-restart cycles (1)
  },
});
const defaults: Record<string, string> = {
  size: '1024',
  partitions: '2',
  'rate-fraction': '0.25',
  'baseline-seconds': '30',
  'sample-seconds': '5',
  window: '10000',
  'lag-time-ms': '3000',
  'lag-max-records': '10000',
  signal: 'term',
  'max-catchup-seconds': '900',
  'poll-ms': '250',
  runs: '1',
};
const values: Record<string, string | undefined> = { ...defaults };
for (const [k, v] of Object.entries(given)) if (typeof v === 'string') values[k] = v;
const MB = 1e6;
const BACKLOG_BYTES = values.mb !== undefined ? Number(values.mb) * MB : Number(values.gb ?? '1') * 1e9;
const SIZE = Number(values.size);
const BACKLOG_RECORDS = Math.ceil(BACKLOG_BYTES / SIZE);
const PARTITIONS = Number(values.partitions);
const RATE_FRACTION = Number(values['rate-fraction']);
const BASELINE_SECONDS = Number(values['baseline-seconds']);
const SAMPLE_SECONDS = Number(values['sample-seconds']);
const WINDOW = Number(values.window);
const LAG_TIME_MS = Number(values['lag-time-ms']);
const LAG_MAX_RECORDS = Number(values['lag-max-records']);
const SIGNAL = values.signal === 'kill' ? 'SIGKILL' : 'SIGTERM';
const MAX_CATCHUP_MS = Number(values['max-catchup-seconds']) * 1000;
const POLL_MS = Number(values['poll-ms']);
const RUNS = Number(values.runs);
const NODES = 3;
const TOPIC = 'catchup';
for (const [name, v] of Object.entries({ BACKLOG_BYTES, SIZE, PARTITIONS, BASELINE_SECONDS, SAMPLE_SECONDS, WINDOW, LAG_TIME_MS, MAX_CATCHUP_MS, POLL_MS, RUNS })) {
  if (!(v > 0)) throw new Error(`${name} must be a positive number, got ${v}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (sorted: Float64Array, p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms1 = (ms: number) => `${ms.toFixed(1)} ms`;

// ---- the cluster ----

/** Lines of the nodes' logs about the in-sync set, with the bench's clock. */
const isrLines: string[] = [];
const benchStart = performance.now();
const cluster = new BenchCluster(NODES, 'catchup', (_id, line) => {
  if (line.includes('in-sync set')) isrLines.push(`[${secs(performance.now() - benchStart)}] ${line}`);
});
const layout = cluster.layout;
process.on('SIGINT', () => process.exit(130));


async function describe(client: Flotilla): Promise<TopicDescription | undefined> {
  try {
    return await client.admin().describeTopic(TOPIC);
  } catch {
    return undefined; // an election, a slow node: the next poll asks again
  }
}

// ---- producing ----

/** A growable column of numbers. */
class Column {
  data = new Float64Array(1 << 16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
}

/** Every acknowledged record: when it was due (ms on the bench's clock), when its ack came. */
interface Acks {
  due: Column;
  acked: Column;
  failed: number;
  firstError?: unknown;
}

interface Stats {
  records: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
}

/** Rate (acks received in [from, to)) and latency (of the records due in [from, to)). */
function stats(a: Acks, from: number, to: number): Stats {
  let records = 0;
  const lat: number[] = [];
  for (let i = 0; i < a.acked.length; i++) {
    const acked = a.acked.data[i];
    const due = a.due.data[i];
    if (acked >= from && acked < to) records++;
    if (due >= from && due < to) lat.push(acked - due);
  }
  const sorted = Float64Array.from(lat).sort();
  const seconds = (to - from) / 1000;
  return { records, seconds, rate: records / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Rate and latency of the records acknowledged in [from, to) (for progress lines, while later acks are still to come). */
function recentStats(a: Acks, from: number, to: number): { rate: number; p99: number } {
  const lat: number[] = [];
  for (let i = a.acked.length - 1; i >= 0 && a.acked.data[i] >= from; i--) if (a.acked.data[i] < to) lat.push(a.acked.data[i] - a.due.data[i]);
  return { rate: lat.length / ((to - from) / 1000), p99: percentile(Float64Array.from(lat).sort(), 0.99) };
}

/** Stats of the phase [from, to) as a whole and of each whole SAMPLE_SECONDS sample in it. */
function phase(a: Acks, from: number, to: number): { all: Stats; samples: Stats[] } {
  const samples: Stats[] = [];
  for (let t = from; t + SAMPLE_SECONDS * 1000 <= to; t += SAMPLE_SECONDS * 1000) samples.push(stats(a, t, t + SAMPLE_SECONDS * 1000));
  return { all: stats(a, from, to), samples };
}

function describePhase(name: string, p: { all: Stats; samples: Stats[] }): string {
  const s = p.samples;
  const med = s.length > 0 ? `median of ${s.length} samples of ${SAMPLE_SECONDS} s: ${Math.round(median(s.map((x) => x.rate)))} records/s (${((median(s.map((x) => x.rate)) * SIZE) / MB).toFixed(1)} MB/s), p99 ${ms1(median(s.map((x) => x.p99)))}; ` : '';
  return `${name}: ${med}whole phase (${p.all.seconds.toFixed(1)} s): ${Math.round(p.all.rate)} records/s, p50 ${ms1(p.all.p50)}, p99 ${ms1(p.all.p99)}`;
}

/**
 * Sends 1 KiB records with acks=all. Paced (`rate` records/s, each due at its slot on the
 * schedule; latency is counted from that slot, so a producer that falls behind shows it) or, with
 * rate 0, as fast as a window of WINDOW records in flight allows, until `count` records or stop().
 */
function produce(client: Flotilla, options: { rate: number; count?: number }) {
  const producer = client.producer({ acks: 'all' });
  const value = Buffer.alloc(SIZE, 0x61);
  const acks: Acks = { due: new Column(), acked: new Column(), failed: 0 };
  const start = performance.now() - benchStart;
  let sent = 0;
  let inflight = 0;
  let stopped = false;
  let behind = 0;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  let wake: (() => void) | undefined;
  const sendOne = (due: number) => {
    sent++;
    inflight++;
    producer.send({ topic: TOPIC, value }).then(
      () => {
        acks.due.push(due);
        acks.acked.push(performance.now() - benchStart);
        inflight--;
        wake?.();
      },
      (e) => {
        acks.failed++;
        acks.firstError ??= e;
        inflight--;
        wake?.();
      },
    );
  };
  const done = (async () => {
    while (!stopped && sent < count) {
      const now = performance.now() - benchStart;
      if (options.rate > 0) {
        const due = Math.min(count, Math.floor(((now - start) * options.rate) / 1000) + 1);
        while (sent < due && inflight < WINDOW) sendOne(start + (sent * 1000) / options.rate);
        if (sent < due) behind = Math.max(behind, due - sent);
        await sleep(2);
      } else {
        while (sent < count && inflight < WINDOW) sendOne(now);
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    }
    while (inflight > 0) {
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
    await producer.close();
  })();
  return {
    acks,
    start,
    get sent() {
      return sent;
    },
    get acked() {
      return acks.acked.length;
    },
    /** The most records the pacer was ever behind its schedule (the window was full). */
    get behind() {
      return behind;
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
      return performance.now() - benchStart;
    },
    done,
  };
}

// ---- the run ----

const replicaOf = (p: PartitionDescription, node: number) => p.replicaStatus.find((r) => r.node === node);
const stateName = (s: string | undefined) => (s ?? 'none').replace('REPLICA_STATE_', '').toLowerCase();

interface RunOutcome {
  /** MB/s until its log end reached the high watermark (undefined: it never did). */
  speed?: number;
  caughtUpSeconds?: number;
  inSyncSeconds?: number;
  during: { all: Stats; samples: Stats[] };
  baseline: { all: Stats; samples: Stats[] };
}

/** One cycle: live traffic at `rate` (baseline), the follower stopped, the backlog, its restart under live traffic. */
async function catchUpRun(client: Flotilla, run: number, follower: number, rate: number): Promise<RunOutcome> {
  const tag = RUNS > 1 ? ` (run ${run} of ${RUNS})` : '';
  // Baseline: the target rate with all three replicas in sync.
  const base = produce(client, { rate });
  await sleep(BASELINE_SECONDS * 1000);
  const baseEnd = await base.stop();
  const baseline = phase(base.acks, base.start, baseEnd);
  const afterBase = await describe(client);
  console.log(describePhase(`live traffic without catch-up, 3 replicas in sync${tag}`, baseline) + (base.behind > 0 ? `; the producer fell up to ${base.behind} records behind its schedule` : ''));
  if (afterBase && afterBase.partitions.some((p) => p.inSyncReplicas.length < 3)) {
    console.log(`  note: after it, in-sync sets ${afterBase.partitions.map((p) => `${p.partition}:[${p.inSyncReplicas}]`).join(' ')}`);
  }

  // Stop the follower, produce the backlog.
  await cluster.stopNode(follower, SIGNAL);
  const stoppedAt = performance.now();
  const bulk = produce(client, { rate: 0, count: BACKLOG_RECORDS });
  const progress = setInterval(() => console.log(`  backlog: ${bulk.acked} of ${BACKLOG_RECORDS} records acknowledged`), 30_000);
  await bulk.done;
  clearInterval(progress);
  const bulkSeconds = (performance.now() - benchStart - bulk.start) / 1000;
  if (bulk.acks.failed > 0) throw new Error(`${bulk.acks.failed} backlog records failed: ${String(bulk.acks.firstError)}`);
  console.log(
    `backlog with node ${follower} stopped (${SIGNAL}): ${bulk.acked} records (${mb(bulk.acked * SIZE)}) in ${bulkSeconds.toFixed(1)} s = ` +
      `${Math.round(bulk.acked / bulkSeconds)} records/s, ${((bulk.acked * SIZE) / MB / bulkSeconds).toFixed(1)} MB/s, unthrottled`,
  );

  // Where the follower stands: offline and behind by the backlog.
  let before: TopicDescription | undefined;
  for (const until = Date.now() + 30_000; ; await sleep(200)) {
    before = await describe(client);
    if (before?.partitions.every((p) => p.leader !== 0 && replicaOf(p, follower)?.state === 'REPLICA_STATE_OFFLINE')) break;
    if (Date.now() > until) throw new Error(`node ${follower} is not reported offline 30 s after it stopped: ${JSON.stringify(before?.partitions)}`);
  }
  const lag0 = before!.partitions.map((p) => ({ partition: p.partition, hwm: p.highWatermark, ...replicaOf(p, follower)! }));
  const backlogBytes = lag0.reduce((s, r) => s + r.lagBytes, 0);
  const backlogRecords = lag0.reduce((s, r) => s + r.lagRecords, 0);
  const bytesPerRecord = backlogRecords > 0 ? backlogBytes / backlogRecords : SIZE;
  console.log(
    `node ${follower} before its restart (stopped ${secs(performance.now() - stoppedAt)} ago): ` +
      lag0.map((r) => `partition ${r.partition}: log end ${r.logEndOffset}, high watermark ${r.hwm}, lag ${r.lagRecords} records, ${mb(r.lagBytes)}`).join('; '),
  );

  // Restart it while live traffic runs at the target rate.
  const live = produce(client, { rate });
  await sleep(2000); // the live producer at its pace first
  const t0 = performance.now() - benchStart;
  cluster.startNode(follower);
  const states = new Set<string>();
  let firstHeard: number | undefined;
  let backlogFetched: number | undefined;
  let caughtUp: number | undefined;
  let inSync: number | undefined;
  let last: TopicDescription | undefined;
  let lastReport = t0;
  let pollFailures = 0;
  let hwmAtCatchUp: number[] = [];
  for (;;) {
    await sleep(POLL_MS);
    const d = await describe(client);
    const now = performance.now() - benchStart;
    if (!d) {
      pollFailures++;
    } else {
      last = d;
      const mine = d.partitions.map((p) => ({ p, r: replicaOf(p, follower) }));
      for (const { r } of mine) if (r) states.add(stateName(r.state));
      if (firstHeard === undefined && mine.every(({ r }) => r && r.state !== 'REPLICA_STATE_OFFLINE' && r.state !== 'REPLICA_STATE_UNKNOWN')) firstHeard = now;
      if (backlogFetched === undefined && mine.every(({ p, r }) => r && r.logEndOffset >= lag0.find((l) => l.partition === p.partition)!.hwm)) backlogFetched = now;
      if (caughtUp === undefined && mine.every(({ p, r }) => r && r.logEndOffset >= p.highWatermark)) {
        caughtUp = now;
        hwmAtCatchUp = mine.map(({ p }) => p.highWatermark);
      }
      if (inSync === undefined && d.partitions.every((p) => p.inSyncReplicas.includes(follower))) inSync = now;
      if (now - lastReport >= 5000) {
        lastReport = now;
        const recent = recentStats(live.acks, now - 5000, now);
        const lagBytes = mine.reduce((s, { r }) => s + (r?.lagBytes ?? 0), 0);
        console.log(
          `  +${secs(now - t0)}: node ${follower} ${mine.map(({ p, r }) => `p${p.partition} ${stateName(r?.state)} ${r?.logEndOffset}/${p.highWatermark}`).join(', ')}, ` +
            `lag ${mb(lagBytes)}; live traffic (acks of the last 5 s) ${Math.round(recent.rate)} records/s, p99 ${ms1(recent.p99)}`,
        );
      }
    }
    if ((caughtUp !== undefined && inSync !== undefined) || now - t0 > MAX_CATCHUP_MS) break;
  }
  const tEnd = performance.now() - benchStart;
  await live.stop();
  const during = phase(live.acks, t0, caughtUp ?? tEnd);

  console.log(`\n=== catch-up of node ${follower}${tag}: backlog ${mb(backlogBytes)}, ${backlogRecords} records, as its leaders measured it`);
  console.log(`  states seen: ${[...states].join(', ')}; first heard from by every leader ${firstHeard !== undefined ? `${secs(firstHeard - t0)} after the restart` : 'never'}`);
  if (backlogFetched !== undefined) {
    console.log(`  backlog fetched (its log end reached the high watermark of the restart): ${secs(backlogFetched - t0)} after the restart = ${(backlogBytes / MB / ((backlogFetched - t0) / 1000)).toFixed(1)} MB/s`);
  }
  let speed: number | undefined;
  if (caughtUp !== undefined) {
    const liveRecords = lag0.reduce((s, r, k) => s + (hwmAtCatchUp[k] - r.hwm), 0);
    const fetched = backlogBytes + liveRecords * bytesPerRecord;
    speed = fetched / MB / ((caughtUp - t0) / 1000);
    console.log(
      `  catch-up speed: ${mb(fetched)} (the backlog + ${liveRecords} records produced meanwhile) in ${secs(caughtUp - t0)} ` +
        `until its log end reached the leaders' high watermark = ${speed.toFixed(1)} MB/s`,
    );
  } else {
    console.log(
      `  NOT CAUGHT UP: its log end did not reach the leaders' high watermark within ${secs(MAX_CATCHUP_MS)}; last seen: ` +
        JSON.stringify(last?.partitions.map((p) => ({ partition: p.partition, highWatermark: p.highWatermark, replica: replicaOf(p, follower) }))),
    );
  }
  console.log(inSync !== undefined ? `  back in the in-sync set of every partition: ${secs(inSync - t0)} after the restart` : `  NOT BACK IN THE IN-SYNC SET within ${secs(MAX_CATCHUP_MS)}`);
  console.log(`  ${describePhase('live traffic during the catch-up', during)}`);
  if (firstHeard !== undefined && caughtUp !== undefined && firstHeard < caughtUp) {
    console.log(`  ${describePhase('  of it, from first contact to caught up (start-up left out)', phase(live.acks, firstHeard, caughtUp))}`);
  }
  console.log(`  ${describePhase('live traffic without it (before the stop)', baseline)}`);
  console.log(
    `  during / without: rate x${(during.all.rate / baseline.all.rate).toFixed(2)}, p99 x${(during.all.p99 / baseline.all.p99).toFixed(1)}` +
      (live.behind > 0 ? `; the live producer fell up to ${live.behind} records behind its schedule (${WINDOW} in flight)` : '') +
      (live.acks.failed > 0 ? `; ${live.acks.failed} live records failed (${String(live.acks.firstError)})` : ''),
  );
  if (during.all.rate < 0.9 * rate) console.log(`  live traffic got ${Math.round(during.all.rate)} of its ${rate} records/s during the catch-up (below 90% of its target)`);
  if (pollFailures > 0) console.log(`  ${pollFailures} describe polls failed (asked again)`);
  if (isrLines.length > 0) console.log(`  the nodes' logs about the in-sync set:\n${isrLines.map((l) => `    ${l}`).join('\n')}`);
  isrLines.length = 0;
  console.log('');
  return { speed, caughtUpSeconds: caughtUp !== undefined ? (caughtUp - t0) / 1000 : undefined, inSyncSeconds: inSync !== undefined ? (inSync - t0) / 1000 : undefined, during, baseline };
}

async function main(): Promise<void> {
  cluster.startAll();
  const client = new Flotilla({ brokers: cluster.brokers });
  await cluster.waitReady(client);
  await client.admin().createTopic({
    name: TOPIC,
    partitions: PARTITIONS,
    replicationFactor: 3,
    config: { 'replica.lag.time.max.ms': String(LAG_TIME_MS), 'replica.lag.max.records': String(LAG_MAX_RECORDS) },
  });
  // Every partition under its preferred leader with all three replicas in sync.
  let settled: TopicDescription | undefined;
  for (const until = Date.now() + 60_000; ; await sleep(200)) {
    settled = await describe(client);
    if (settled?.partitions.every((p) => p.leader !== 0 && p.leader === p.replicas[0] && p.inSyncReplicas.length === 3)) break;
    if (Date.now() > until) throw new Error(`the topic's partitions did not settle under their preferred leaders within 60 s: ${JSON.stringify(settled?.partitions)}`);
  }
  const partitions = settled!.partitions;
  const controller = (await client.admin().describeCluster()).controllerLeader;
  // The follower to stop: a node that is no partition's preferred leader (so that no leadership
  // moves), and not the metadata group's leader if there is a choice.
  const leads = (id: number) => partitions.filter((p) => p.replicas[0] === id).length;
  const ranked = layout.map((n) => n.nodeId).sort((a, b) => leads(a) - leads(b) || Number(a === controller) - Number(b === controller) || a - b);
  const follower = ranked[0];
  console.log(
    `3 nodes (processes), topic of ${PARTITIONS} partitions x 3 replicas (leaders ${partitions.map((p) => `${p.partition}:${p.leader}`).join(' ')}), ` +
      `${SIZE} B records, acks=all, fsync on, replica.lag.time.max.ms=${LAG_TIME_MS}, replica.lag.max.records=${LAG_MAX_RECORDS}; ` +
      `the follower stopped is node ${follower}${leads(follower) > 0 ? ` (it leads ${leads(follower)} partitions: their leadership moves)` : ''}` +
      `${follower === controller ? ' (also the metadata group leader)' : ''}; backlog ${mb(BACKLOG_RECORDS * SIZE)} (${BACKLOG_RECORDS} records)`,
  );

  // Warm-up, unthrottled, which also sets the default target rate.
  const warm = produce(client, { rate: 0 });
  await sleep(5000);
  const warmEnd = await warm.stop();
  const warmRate = warm.acked / ((warmEnd - warm.start) / 1000);
  const rate = values.rate !== undefined ? Number(values.rate) : Math.max(100, Math.round(warmRate * RATE_FRACTION));
  console.log(
    `warm-up, unthrottled, ${WINDOW} in flight: ${Math.round(warmRate)} records/s (${((warmRate * SIZE) / MB).toFixed(1)} MB/s); ` +
      `live traffic target: ${rate} records/s (${((rate * SIZE) / MB).toFixed(1)} MB/s)${values.rate === undefined ? `, ${RATE_FRACTION} of it` : ''}`,
  );

  const outcomes: RunOutcome[] = [];
  for (let run = 1; run <= RUNS; run++) outcomes.push(await catchUpRun(client, run, follower, rate));

  const fmt = (xs: (number | undefined)[], unit: string, digits = 1) => {
    const got = xs.filter((x): x is number => x !== undefined);
    const missing = xs.length - got.length;
    return got.length === 0 ? 'never' : `${median(got).toFixed(digits)} ${unit}${xs.length > 1 ? ` (median of ${got.length}: ${got.map((x) => x.toFixed(digits)).join(', ')})` : ''}${missing > 0 ? `, ${missing} runs never` : ''}`;
  };
  // Samples of every run, unless a run's phase was too short for one: then each run's phase as a whole.
  type Phase = RunOutcome['during'];
  const pooled = (pick: (o: RunOutcome) => Phase, whole: string) =>
    outcomes.every((o) => pick(o).samples.length > 0)
      ? { xs: outcomes.flatMap((o) => pick(o).samples), what: `samples of ${SAMPLE_SECONDS} s` }
      : { xs: outcomes.map((o) => pick(o).all), what: whole };
  const duringS = pooled((o) => o.during, RUNS > 1 ? 'catch-ups as a whole' : 'the catch-up as a whole');
  const baseS = pooled((o) => o.baseline, RUNS > 1 ? 'phases as a whole' : 'the phase as a whole');
  const line = (p: { xs: Stats[]; what: string }) =>
    `${Math.round(median(p.xs.map((x) => x.rate)))} records/s, p99 ${ms1(median(p.xs.map((x) => x.p99)))} (${p.xs.length > 1 ? `medians of ${p.xs.length} ${p.what}` : p.what.replace(/^samples/, 'one sample')})`;
  console.log(`=== summary: ${mb(BACKLOG_RECORDS * SIZE)} backlog of ${SIZE} B records, ${RUNS} run${RUNS > 1 ? 's' : ''}, live traffic target ${rate} records/s`);
  console.log(`  catch-up speed: ${fmt(outcomes.map((o) => o.speed), 'MB/s')}`);
  console.log(`  caught up (log end = high watermark) after: ${fmt(outcomes.map((o) => o.caughtUpSeconds), 's')}`);
  console.log(`  back in the in-sync set after: ${fmt(outcomes.map((o) => o.inSyncSeconds), 's')}`);
  console.log(`  producers during the catch-up: ${line(duringS)}; without it: ${line(baseS)}`);
  await client.close();
  cluster.stopAll();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
