import type { Config } from './types';

/**
 * Bugs planted on purpose, so that the simulator's own tests can prove it catches them: each is
 * switched on alone and the simulator must report a safety violation. A testing hook private to
 * raft/: neither this module nor PlantedBug is exported from raft/index.ts, and Config does not
 * mention them, so no host can switch one on.
 */
export const PLANTED_BUGS = [
  'countVotesTwice', // a duplicated vote response is counted again
  'voteTwiceInTerm', // grant a vote to a second candidate in the same term
  'commitOldTermByCounting', // advance commit on a majority of an old-term entry
  'forgetVoteOnRestart', // the vote is not in the persisted hard state (answered before persisting)
  'acceptStaleAppend', // take entries from a leader of an older term
  'skipLogUpToDateCheck', // grant votes to candidates with a shorter log
] as const;

export type PlantedBug = (typeof PLANTED_BUGS)[number];

/** Keyed by the very Config object handed to the core; weak, so a dropped node takes its entry with it. */
const planted = new WeakMap<Config, ReadonlySet<PlantedBug>>();
const NO_BUGS: ReadonlySet<PlantedBug> = new Set();

/**
 * Switch `bugs` on for the node that will be built from `config`, and return `config` itself. The
 * registration belongs to that object: a copy of it (`{ ...config }`) carries no bugs.
 */
export function plantBugs<C extends Config>(config: C, bugs: ReadonlySet<PlantedBug>): C {
  planted.set(config, bugs);
  return config;
}

/** The bugs planted for `config` (none, outside the simulator's own tests). Read once, by the Raft constructor. */
export function plantedBugsOf(config: Config): ReadonlySet<PlantedBug> {
  return planted.get(config) ?? NO_BUGS;
}
