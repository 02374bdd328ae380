import { parseArgs } from 'node:util';
import { PLANTED_HOST_BUGS, type PlantedHostBug } from '../planted-host-bugs';
import { HostSimFailure, runHostSimulation } from './host-simulation';

/**
 * `npm run sim:host -- [--seed N] [--runs K] [--nodes 3|5] [--bug NAME] [--verbose]`: runs host
 * schedules from seed N on (N, N+1, ...); a failure prints its seed and the command that replays it.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string', default: '1' },
    nodes: { type: 'string', default: '3' },
    bug: { type: 'string' },
    'fault-ms': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const bugs = new Set((values.bug ?? '').split(',').filter(Boolean) as PlantedHostBug[]);
for (const b of bugs) {
  if (!PLANTED_HOST_BUGS.includes(b)) {
    console.error(`unknown bug "${b}"; planted host bugs: ${PLANTED_HOST_BUGS.join(', ')}`);
    process.exit(2);
  }
}
const first = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const runs = Number(values.runs);
const nodes = Number(values.nodes);
if (!Number.isSafeInteger(first) || !Number.isSafeInteger(runs) || runs < 1 || (nodes !== 3 && nodes !== 5)) {
  console.error('usage: npm run sim:host -- [--seed N] [--runs K] [--nodes 3|5] [--bug NAME] [--fault-ms MS] [--verbose]');
  process.exit(2);
}
const began = Date.now();
let steps = 0;
let records = 0;
for (let i = 0; i < runs; i++) {
  const seed = first + i;
  try {
    const r = await runHostSimulation({
      seed,
      nodes,
      bugs,
      faultMs: values['fault-ms'] ? Number(values['fault-ms']) : undefined,
      log: values.verbose ? (line) => console.log(line) : undefined,
    });
    steps += r.steps;
    records += r.records.applied;
    if (values.verbose || runs === 1) console.log(JSON.stringify(r));
  } catch (e) {
    if (e instanceof HostSimFailure) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
console.log(`${runs} host schedule(s) from seed ${first} passed: ${steps} steps, ${records} records applied, ${((Date.now() - began) / 1000).toFixed(1)} s`);
