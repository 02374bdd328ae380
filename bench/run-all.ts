/**
 * `npm run bench`: every benchmark, one after the other (never part of `npm test`).
 * Each prints its own figures; compare ratios and medians within one run, never absolute times.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = [
  { name: 'log-store: synced appends vs raw LevelDB, memory', script: '../log-store/bench/store-bench.ts' },
  { name: 'produce: 3-node cluster, 1 KiB records, acks=all, 3 replicas', script: './produce-bench.ts' },
  { name: 'catch-up: a stopped follower of a 3-node cluster restarted behind 1 GB of 1 KiB records, under live traffic', script: './catchup-bench.ts' },
];

for (const b of benches) {
  console.log(`\n=== ${b.name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(b.script, import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
