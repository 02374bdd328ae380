/**
 * Simulator command line.
 *   npm run sim -- --seed N [--path P] [--nodes 3|5] [--bug NAME]   replay one failure verbosely
 *   npm run sim -- --runs K [--nodes 3|5] [--bug NAME]              run K random schedules
 */
import { parseArgs } from 'node:util';
import type { PlantedBug } from '../types';
import { checkSchedules, describeFailure, emptyTotals, type Profile, runSchedule } from './schedule';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    path: { type: 'string' },
    runs: { type: 'string' },
    nodes: { type: 'string', default: '3' },
    bug: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    profile: { type: 'string', default: 'default' },
  },
});
const nodes = Number(values.nodes);
if (nodes !== 3 && nodes !== 5) throw new Error(`--nodes must be 3 or 5, not ${values.nodes}`);
const bug = values.bug as PlantedBug | undefined;
const bugs = bug ? new Set([bug]) : undefined;
const profile = values.profile as Profile;
if (profile !== 'default' && profile !== 'churn') throw new Error(`--profile must be default or churn, not ${values.profile}`);

if (values.seed !== undefined && values.runs === undefined) {
  // Replay: fast-check regenerates exactly the (shrunk) schedule at seed+path; run it again verbosely.
  const seed = Number(values.seed);
  const details = checkSchedules({ nodes, bugs, profile, runs: 1, seed, path: values.path });
  const c = details.counterexample?.[0];
  if (!c) {
    console.log(`seed ${seed}${values.path ? ` path ${values.path}` : ''}: no violation`);
  } else {
    console.log(`replaying ${c.actions.length} actions, sim seed ${c.seed}:`);
    console.log(JSON.stringify(c.actions));
    try {
      runSchedule(c, { nodes, bugs, log: values.quiet ? undefined : (l) => console.log(l) });
      console.log('the schedule passed when re-run: the failure is not deterministic (a bug in the simulator)');
    } catch (e) {
      console.error(String(e instanceof Error ? e.message : e));
    }
    process.exitCode = 1;
  }
} else {
  const runs = Number(values.runs ?? 1000);
  const started = Date.now();
  const totals = emptyTotals();
  const details = checkSchedules({ nodes, bugs, profile, runs, totals, seed: values.seed === undefined ? undefined : Number(values.seed) });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (details.failed) {
    console.error(describeFailure(details, nodes, bug, profile));
    process.exitCode = 1;
  } else {
    console.log(`${details.numRuns} schedules of ${nodes} nodes, no violation, ${secs}s (fast-check seed ${details.seed})`);
    console.log(totals);
  }
}
