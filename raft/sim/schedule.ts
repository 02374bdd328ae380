import fc from 'fast-check';
import type { Bug } from './bugs';
import { type Action, type CoreKnobs, POOL, Simulator, type Target } from './simulator';

/**
 * fast-check arbitraries for schedules. fast-check generates the action list, so a failure
 * shrinks to a short schedule, plus a seed for the simulator's own randomness (message delays,
 * losses, which unsynced writes survive a crash, the core's election timeouts).
 *
 * Profiles weight the actions differently:
 *  - default: everything (reads, snapshots, transfers, membership changes, all faults);
 *  - churn:   leadership changes with divergent logs: leaders cut off or killed right after
 *             taking writes, clients stuck with stale leaders, crashes mid-election, partitions
 *             every few ticks;
 *  - figure8: the Raft paper's Figure 8 (a new leader finishing the replication of an old
 *             term's entry, then losing it to a leader with a later-term entry): one entry per
 *             append message, short tick bursts, leaders cut off at once.
 */
export const PROFILES = ['default', 'churn', 'figure8'] as const;
export type Profile = (typeof PROFILES)[number];

const tick = (max: number) => fc.record({ t: fc.constant('tick' as const), n: fc.integer({ min: 1, max }) });
/** Ticks that stop once a leader is elected or a commit index moves: faults can then strike at that moment. */
const tickUntil = (max: number) =>
  fc.record({ t: fc.constant('tick' as const), n: fc.integer({ min: 1, max }), until: fc.constantFrom('leader' as const, 'commit' as const) });
const pos = fc.nat(POOL.length - 1);
const target: fc.Arbitrary<Target> = fc.oneof(fc.constant('leader' as const), pos);

/** Network conditions from now on: loss and duplication in percent, delay up to maxDelay ticks. */
function net(maxLoss: number, maxDup: number): fc.Arbitrary<Action> {
  return fc.record({
    t: fc.constant('net' as const),
    loss: fc.integer({ min: 0, max: maxLoss }),
    dup: fc.integer({ min: 0, max: maxDup }),
    maxDelay: fc.integer({ min: 1, max: 8 }),
  });
}

function faults(nodes: number): Array<fc.WeightedArbitrary<Action>> {
  return [
    { weight: 4, arbitrary: fc.record({ t: fc.constant('crash' as const), node: target }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('restart' as const), node: pos }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('bounce' as const), node: target }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('partition' as const), mask: fc.nat((1 << POOL.length) - 1) }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('isolate' as const), node: target }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('oneWay' as const), from: fc.nat(nodes), to: fc.nat(nodes) }) },
    { weight: 4, arbitrary: fc.constant({ t: 'heal' as const }) },
    // A disk erased or replaced: the node must be removed and added back before it runs again.
    { weight: 1, arbitrary: fc.record({ t: fc.constant('wipe' as const), node: target }) },
  ];
}

export function actionArb(nodes: number, profile: Profile): fc.Arbitrary<Action> {
  const node = fc.nat(nodes); // the initial voters and the first spare, mostly
  // Clients mostly follow redirects to the leader; some are stuck with one node.
  const client: fc.Arbitrary<Target> = fc.oneof({ weight: 3, arbitrary: fc.constant('leader' as const) }, { weight: 1, arbitrary: node });
  const propose = (max: number) => fc.record({ t: fc.constant('propose' as const), node: client, count: fc.integer({ min: 1, max }) });
  switch (profile) {
    case 'default':
      return fc.oneof(
        { weight: 30, arbitrary: tick(30) },
        { weight: 6, arbitrary: tickUntil(40) },
        { weight: 20, arbitrary: propose(5) },
        { weight: 6, arbitrary: fc.record({ t: fc.constant('read' as const), node: client }) },
        ...faults(nodes),
        { weight: 2, arbitrary: net(30, 30) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('transfer' as const), to: node }) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshot' as const), node: target }) },
        {
          weight: 5,
          arbitrary: fc.record({
            t: fc.constant('conf' as const),
            change: fc.constantFrom('addLearner' as const, 'addVoter' as const, 'removeNode' as const),
            // Any pool id: a spare, or one of the voters.
            node: pos,
          }),
        },
      );
    case 'churn':
      return fc.oneof(
        { weight: 30, arbitrary: tick(12) },
        { weight: 10, arbitrary: tickUntil(40) },
        { weight: 25, arbitrary: propose(3) },
        { weight: 5, arbitrary: fc.record({ t: fc.constant('read' as const), node: client }) },
        ...faults(nodes).map((f) => ({ ...f, weight: f.weight * 2 })),
        { weight: 3, arbitrary: net(20, 50) },
        { weight: 2, arbitrary: fc.record({ t: fc.constant('transfer' as const), to: node }) },
      );
    case 'figure8':
      return fc.oneof(
        { weight: 20, arbitrary: tick(4) },
        { weight: 20, arbitrary: tickUntil(40) },
        { weight: 10, arbitrary: propose(1) },
        { weight: 10, arbitrary: fc.record({ t: fc.constant('isolate' as const), node: fc.constant('leader' as const) }) },
        { weight: 4, arbitrary: fc.record({ t: fc.constant('crash' as const), node: fc.constant('leader' as const) }) },
        { weight: 4, arbitrary: fc.record({ t: fc.constant('restart' as const), node: pos }) },
        { weight: 3, arbitrary: fc.constant({ t: 'heal' as const }) },
        { weight: 2, arbitrary: net(0, 0) },
      );
    default: {
      const never: never = profile;
      throw new Error(`unknown profile ${String(never)}`);
    }
  }
}

export function knobsArb(profile: Profile): fc.Arbitrary<CoreKnobs> {
  if (profile === 'figure8') {
    // One entry per append, no leases: the window in which an old-term entry reaches a majority
    // without the new leader's own entry stays open.
    return fc.record({
      preVote: fc.boolean(),
      checkQuorum: fc.constant(false),
      maxMessageBytes: fc.constant(1),
      maxInflightMessages: fc.integer({ min: 1, max: 4 }),
    });
  }
  return fc.record({
    preVote: fc.boolean(),
    checkQuorum: fc.boolean(),
    maxMessageBytes: fc.constantFrom(1, 8, 64, 1024),
    maxInflightMessages: fc.integer({ min: 1, max: 8 }),
  });
}

export interface ScheduleCase {
  seed: number;
  knobs: CoreKnobs;
  actions: Action[];
}

/** Schedules of 1..maxActions actions (a tick action may advance the clock up to 40 ticks). */
export function scheduleArb(nodes: number, profile: Profile, maxActions: number): fc.Arbitrary<ScheduleCase> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    knobs: knobsArb(profile),
    // size 'max': lengths spread over the whole range, not fast-check's default of a few dozen.
    actions: fc.array(actionArb(nodes, profile), { minLength: 1, maxLength: maxActions, size: 'max' }),
  });
}

export const DEFAULT_MAX_ACTIONS = 150;

export interface RunOptions {
  nodes: number;
  profile?: Profile;
  bugs?: ReadonlySet<Bug>;
  maxActions?: number;
  log?: (line: string) => void;
}

export function runSchedule(c: ScheduleCase, opts: RunOptions): Simulator {
  const sim = new Simulator({ nodes: opts.nodes, seed: c.seed, knobs: c.knobs, bugs: opts.bugs, log: opts.log });
  sim.run(c.actions);
  return sim;
}

export type SimTotals = Simulator['stats'] & { schedules: number; ticks: number; steps: number };

export function emptyTotals(): SimTotals {
  return {
    schedules: 0,
    ticks: 0,
    steps: 0,
    proposals: 0,
    committed: 0,
    reads: 0,
    crashes: 0,
    elections: 0,
    snapshots: 0,
    confChanges: 0,
    transfers: 0,
    messages: 0,
    wipes: 0,
    readmissions: 0,
    repromotions: 0,
  };
}

/**
 * Run `runs` random schedules (fast-check seed `seed`, or a fresh one). With `path`, fast-check
 * regenerates exactly the one schedule at that path of that seed: the replay of a failure. A
 * verbose run (`log`) does not shrink, so that it prints one schedule's events only.
 */
export function checkSchedules(
  opts: RunOptions & { runs: number; seed?: number; path?: string; totals?: SimTotals },
): fc.RunDetails<[ScheduleCase]> {
  return fc.check(
    fc.property(scheduleArb(opts.nodes, opts.profile ?? 'default', opts.maxActions ?? DEFAULT_MAX_ACTIONS), (c) => {
      const sim = runSchedule(c, opts);
      if (opts.totals) {
        opts.totals.schedules++;
        opts.totals.ticks += sim.time;
        opts.totals.steps += sim.step;
        for (const [k, v] of Object.entries(sim.stats)) opts.totals[k as keyof Simulator['stats']] += v;
      }
    }),
    { numRuns: opts.runs, seed: opts.seed, path: opts.path, endOnFailure: opts.path !== undefined || opts.log !== undefined },
  );
}

/** The one command that replays a failure fast-check reported. */
export function replayCommand(opts: RunOptions, seed: number, path: string | undefined, bug?: Bug): string {
  const flags = [`--nodes ${opts.nodes}`, `--seed=${seed}`];
  if (path) flags.push(`--path=${path}`);
  if (opts.profile && opts.profile !== 'default') flags.push(`--profile ${opts.profile}`);
  if (opts.maxActions && opts.maxActions !== DEFAULT_MAX_ACTIONS) flags.push(`--max-actions ${opts.maxActions}`);
  if (bug) flags.push(`--bug ${bug}`);
  return `npm run sim -- ${flags.join(' ')}`;
}

export function describeFailure(details: fc.RunDetails<[ScheduleCase]>, opts: RunOptions, bug?: Bug): string {
  const [c] = details.counterexample ?? [];
  const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `simulator found a violation in schedule ${details.numRuns} (fast-check seed ${details.seed}): ${err}`,
    `shrunk schedule: ${c?.actions.length ?? '?'} actions, simulator seed ${c?.seed}, core ${JSON.stringify(c?.knobs)}`,
    `  ${JSON.stringify(c?.actions)}`,
    `replay: ${replayCommand(opts, details.seed, details.counterexamplePath ?? undefined, bug)}`,
  ].join('\n');
}
