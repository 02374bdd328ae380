/**
 * The simulator's command line.
 *   npm run sim -- --seed N [--path P] [--nodes 3|5] [--profile NAME] [--bug NAME]
 *       replays one schedule (the failing one at path P of seed N, else the first of seed N),
 *       printing every step's events
 *   npm run sim -- --runs K [--nodes 3|5] [--profile NAME] [--bug NAME] [--seed N]
 *       runs K random schedules; on a violation prints the shrunk schedule and its replay command
 */
import { parseArgs } from 'node:util';
import { ALL_BUGS, isBug } from './bugs';
import { SimFailure } from './failure';
import { checkSchedules, DEFAULT_MAX_ACTIONS, describeFailure, emptyTotals, PROFILES, type Profile, type RunOptions } from './schedule';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    path: { type: 'string' },
    runs: { type: 'string' },
    nodes: { type: 'string', default: '3' },
    profile: { type: 'string', default: 'default' },
    'max-actions': { type: 'string', default: String(DEFAULT_MAX_ACTIONS) },
    bug: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const nodes = Number(values.nodes);
if (nodes !== 3 && nodes !== 5) fail(`--nodes must be 3 or 5, not ${values.nodes}`);
const profile = values.profile as Profile;
if (!PROFILES.includes(profile)) fail(`--profile must be one of ${PROFILES.join(', ')}, not ${values.profile}`);
const bug = values.bug;
if (bug !== undefined && !isBug(bug)) fail(`--bug must be one of ${ALL_BUGS.join(', ')}, not ${bug}`);
const maxActions = Number(values['max-actions']);
if (!Number.isInteger(maxActions) || maxActions < 1) fail(`--max-actions must be a positive integer, not ${values['max-actions']}`);
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) fail(`--seed must be an integer, not ${values.seed}`);
const opts: RunOptions = { nodes, profile, maxActions, bugs: bug ? new Set([bug]) : undefined };

if (seed !== undefined && values.runs === undefined) {
  // Replay: fast-check regenerates exactly the schedule at seed (and path); run it with every event printed.
  const details = checkSchedules({ ...opts, runs: 1, seed, path: values.path, log: (line) => console.log(line) });
  const [c] = details.counterexample ?? [];
  if (!details.failed) {
    console.log(`seed ${seed}${values.path ? ` path ${values.path}` : ''}: no violation`);
  } else {
    console.log(`schedule: ${c?.actions.length} actions, simulator seed ${c?.seed}, core ${JSON.stringify(c?.knobs)}`);
    console.log(JSON.stringify(c?.actions));
    const err = details.errorInstance;
    console.error(err instanceof SimFailure ? `VIOLATION at ${err.message}` : `ERROR: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
} else {
  const runs = Number(values.runs ?? 1000);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not ${values.runs}`);
  const started = Date.now();
  const totals = emptyTotals();
  const details = checkSchedules({ ...opts, runs, totals, seed });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (details.failed) {
    console.error(describeFailure(details, opts, bug));
    process.exitCode = 1;
  } else {
    console.log(`${totals.schedules} schedules of ${nodes} nodes (${profile}${bug ? `, bug ${bug}` : ''}): no violation, ${secs}s (fast-check seed ${details.seed})`);
    console.log(totals);
  }
}
