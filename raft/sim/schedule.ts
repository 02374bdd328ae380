import fc from 'fast-check';
import type { PlantedBug } from '../types';
import { type Action, type CoreKnobs, Simulator } from './simulator';

/**
 * fast-check arbitraries for schedules. fast-check generates the action list (so a failure
 * shrinks to a short schedule) and a seed for the simulator's own randomness (message delays,
 * losses, which unsynced writes survive a crash).
 */
/**
 * 'default' exercises everything; 'churn' concentrates on leadership changes with divergent logs
 * (minority leaders taking writes, partitions and crashes every few ticks), the conditions of
 * the Raft paper's Figure 8.
 */
export type Profile = 'default' | 'churn';

/** Network conditions from now on: loss and duplication in percent, delay up to maxDelay ticks. */
function netArb(maxLoss: number, maxDup: number): fc.Arbitrary<Action> {
  return fc.record({
    t: fc.constant('net' as const),
    loss: fc.integer({ min: 0, max: maxLoss }),
    dup: fc.integer({ min: 0, max: maxDup }),
    maxDelay: fc.integer({ min: 1, max: 8 }),
  });
}

export function actionArb(nodes: number, profile: Profile = 'default'): fc.Arbitrary<Action> {
  const node = fc.nat(nodes); // nodes + 1 ids in the pool (the spare included)
  if (profile === 'churn') {
    return fc.oneof(
      { weight: 30, arbitrary: fc.record({ t: fc.constant('tick' as const), n: fc.integer({ min: 1, max: 12 }) }) },
      { weight: 25, arbitrary: fc.record({ t: fc.constant('propose' as const), node, count: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 12, arbitrary: fc.record({ t: fc.constant('partition' as const), mask: fc.nat((1 << (nodes + 1)) - 1) }) },
      { weight: 6, arbitrary: fc.record({ t: fc.constant('crash' as const), node }) },
      { weight: 8, arbitrary: fc.record({ t: fc.constant('restart' as const), node }) },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('bounce' as const), node }) },
      { weight: 4, arbitrary: fc.constant({ t: 'heal' as const }) },
      { weight: 3, arbitrary: netArb(20, 50) },
    );
  }
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ t: fc.constant('tick' as const), n: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 20, arbitrary: fc.record({ t: fc.constant('propose' as const), node, count: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('read' as const), node }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('crash' as const), node }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('restart' as const), node }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('bounce' as const), node }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('partition' as const), mask: fc.nat((1 << (nodes + 1)) - 1) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('oneWay' as const), from: node, to: node }) },
    { weight: 4, arbitrary: fc.constant({ t: 'heal' as const }) },
    { weight: 2, arbitrary: netArb(30, 30) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('transfer' as const), node, to: node }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('snapshot' as const), node }) },
    {
      weight: 5,
      arbitrary: fc.record({
        t: fc.constant('conf' as const),
        change: fc.constantFrom('addLearner' as const, 'addVoter' as const, 'removeNode' as const),
        node,
      }),
    },
  );
}

export interface ScheduleCase {
  seed: number;
  knobs: CoreKnobs;
  actions: Action[];
}

export function knobsArb(): fc.Arbitrary<CoreKnobs> {
  return fc.record({
    preVote: fc.boolean(),
    checkQuorum: fc.boolean(),
    maxMessageBytes: fc.constantFrom(1, 8, 64, 1024),
    maxInflightMessages: fc.integer({ min: 1, max: 8 }),
  });
}

export function scheduleArb(nodes: number, maxActions = 80, profile: Profile = 'default'): fc.Arbitrary<ScheduleCase> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    knobs: knobsArb(),
    actions: fc.array(actionArb(nodes, profile), { minLength: 20, maxLength: maxActions }),
  });
}

export interface RunOptions {
  nodes: number;
  profile?: Profile;
  bugs?: ReadonlySet<PlantedBug>;
  log?: (line: string) => void;
}

export function runSchedule(c: ScheduleCase, opts: RunOptions): Simulator {
  const sim = new Simulator({ nodes: opts.nodes, seed: c.seed, knobs: c.knobs, bugs: opts.bugs, log: opts.log });
  sim.run(c.actions);
  return sim;
}

/** The one command that replays a failure fast-check reported. */
export function replayCommand(nodes: number, seed: number, path: string | undefined, bug?: PlantedBug, profile?: Profile): string {
  return `npm run sim -- --nodes ${nodes} --seed=${seed}${path ? ` --path=${path}` : ''}${bug ? ` --bug ${bug}` : ''}${profile && profile !== 'default' ? ` --profile ${profile}` : ''}`;
}

/** Run `runs` random schedules; on failure throw an error carrying the replay command. */
export type SimTotals = Simulator['stats'] & { schedules: number; ticks: number };

export function checkSchedules(
  opts: RunOptions & { runs: number; seed?: number; path?: string; maxActions?: number; totals?: SimTotals },
): fc.RunDetails<[ScheduleCase]> {
  const details = fc.check(
    fc.property(scheduleArb(opts.nodes, opts.maxActions, opts.profile), (c) => {
      const sim = runSchedule(c, opts);
      if (opts.totals) {
        opts.totals.schedules++;
        opts.totals.ticks += sim.time;
        for (const [k, v] of Object.entries(sim.stats)) opts.totals[k as keyof Simulator['stats']] += v;
      }
    }),
    { numRuns: opts.runs, seed: opts.seed, path: opts.path, endOnFailure: opts.path === undefined ? false : true },
  );
  return details;
}

export function emptyTotals(): SimTotals {
  return { schedules: 0, ticks: 0, proposals: 0, committed: 0, reads: 0, crashes: 0, elections: 0, snapshots: 0, confChanges: 0, messages: 0 };
}

export function describeFailure(details: fc.RunDetails<[ScheduleCase]>, nodes: number, bug?: PlantedBug, profile?: Profile): string {
  const [c] = details.counterexample ?? [];
  const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `simulator found a violation after ${details.numRuns} schedule(s): ${err}`,
    `shrunk schedule (${c?.actions.length ?? '?'} actions, sim seed ${c?.seed}, core ${JSON.stringify(c?.knobs)}): ${JSON.stringify(c?.actions)}`,
    `replay: ${replayCommand(nodes, details.seed, details.counterexamplePath ?? undefined, bug, profile)}`,
  ].join('\n');
}
