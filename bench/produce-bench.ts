/**
 * Produce benchmark: a real 3-node cluster (one process per node on 127.0.0.1-3, LevelDB with
 * fsync), a topic of 3 partitions with replication factor 3, and the client library's idempotent
 * producer sending 1 KiB records with acks=all, keeping a window of records in flight. Prints
 * records/s, MB/s and per-record latency (send to ack) for each run, then the medians.
 *   npm run bench:produce
 *   npm run bench:produce -- --seconds 20 --runs 5 --window 20000 --acks leader
 */
import { parseArgs } from 'node:util';
import { BenchCluster } from './bench-cluster';
import { Flotilla } from '../cluster/client';

// Not strict: `npm run bench -- ...` hands every benchmark the same options; unknown ones are another's.
const { values } = parseArgs({
  strict: false,
  options: {
    seconds: { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    window: { type: 'string', default: '10000' },
    'latency-window': { type: 'string', default: '100' },
    size: { type: 'string', default: '1024' },
    acks: { type: 'string', default: 'all' },
    partitions: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);
const WINDOW = Number(values.window);
const LATENCY_WINDOW = Number(values['latency-window']);
const SIZE = Number(values.size);
const ACKS = values.acks === 'leader' ? 'leader' : 'all';
const PARTITIONS = Number(values.partitions);
const NODES = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const cluster = new BenchCluster(NODES, 'bench');


interface RunResult {
  records: number;
  seconds: number;
  p50: number;
  p99: number;
  p999: number;
}

async function run(client: Flotilla, topic: string, seconds: number, window = WINDOW): Promise<RunResult> {
  const producer = client.producer({ acks: ACKS });
  const value = Buffer.alloc(SIZE, 0x61);
  const latencies = new Float64Array(10_000_000);
  let acked = 0;
  let inflight = 0;
  let failed: unknown;
  const start = performance.now();
  const end = start + seconds * 1000;
  await new Promise<void>((done) => {
    const pump = () => {
      while (inflight < window && performance.now() < end && !failed) {
        const sent = performance.now();
        inflight++;
        producer.send({ topic, value }).then(
          () => {
            if (acked < latencies.length) latencies[acked] = performance.now() - sent;
            acked++;
            inflight--;
            if (inflight < window / 2) pump();
            if (inflight === 0 && (performance.now() >= end || failed)) done();
          },
          (e) => {
            failed ??= e;
            inflight--;
            if (inflight === 0) done();
          },
        );
      }
      if (inflight === 0) done();
    };
    pump();
  });
  const elapsed = (performance.now() - start) / 1000;
  await producer.close();
  if (failed) throw failed;
  const sorted = latencies.subarray(0, Math.min(acked, latencies.length)).sort();
  return { records: acked, seconds: elapsed, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999) };
}

async function main(): Promise<void> {
  cluster.startAll();
  const client = new Flotilla({ brokers: cluster.brokers });
  await cluster.waitReady(client, 30_000);
  await client.admin().createTopic({ name: 'bench', partitions: PARTITIONS, replicationFactor: 3 });
  console.log(`3 nodes (processes), topic of ${PARTITIONS} partitions x 3 replicas, ${SIZE} B records, acks=${ACKS}, ${WINDOW} records in flight, fsync on`);
  await run(client, 'bench', 2); // warm-up: JIT, connections, leaders settled
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await run(client, 'bench', SECONDS);
    results.push(r);
    const rps = r.records / r.seconds;
    console.log(
      `run ${i + 1}: ${r.records} records in ${r.seconds.toFixed(1)} s = ${Math.round(rps)} records/s, ${((rps * SIZE) / 1e6).toFixed(1)} MB/s; ` +
        `latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, p99.9 ${r.p999.toFixed(1)} ms`,
    );
  }
  const rps = median(results.map((r) => r.records / r.seconds));
  console.log(
    `median of ${RUNS}: ${Math.round(rps)} records/s, ${((rps * SIZE) / 1e6).toFixed(1)} MB/s, p50 ${median(results.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(results.map((r) => r.p99)).toFixed(1)} ms`,
  );
  // Latency under light load: with a big window, latency is mostly queueing (window / rate).
  const light = await run(client, 'bench', SECONDS, LATENCY_WINDOW);
  const lrps = light.records / light.seconds;
  console.log(
    `light load (${LATENCY_WINDOW} in flight): ${Math.round(lrps)} records/s, ${((lrps * SIZE) / 1e6).toFixed(1)} MB/s; ` +
      `latency p50 ${light.p50.toFixed(1)} ms, p99 ${light.p99.toFixed(1)} ms, p99.9 ${light.p999.toFixed(1)} ms`,
  );
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
