import { PLANTED_BUGS, type PlantedBug } from '../planted-bugs';

/**
 * Bugs planted in the simulator's host (not in the core, see raft/planted-bugs.ts), so that the
 * simulator's own tests can prove it catches a careless host too:
 *  - rejoinWipedAsVoter: a node whose disk was wiped restarts at once, with empty storage but
 *    the membership it had before (so as a voter), instead of waiting to be removed and added
 *    back as a learner (the readmission protocol, README.md).
 */
export const SIM_BUGS = ['rejoinWipedAsVoter'] as const;

export type SimBug = (typeof SIM_BUGS)[number];

/** Any bug the simulator can switch on: the core's planted bugs and the host's. */
export type Bug = PlantedBug | SimBug;

export const ALL_BUGS: readonly Bug[] = [...PLANTED_BUGS, ...SIM_BUGS];

export function isBug(name: string): name is Bug {
  return (ALL_BUGS as readonly string[]).includes(name);
}

export function isSimBug(bug: Bug): bug is SimBug {
  return (SIM_BUGS as readonly string[]).includes(bug);
}

/** The core's bugs among `bugs`, to plant in each RawNode's Config. */
export function coreBugs(bugs: ReadonlySet<Bug>): ReadonlySet<PlantedBug> {
  return new Set([...bugs].filter((b): b is PlantedBug => !isSimBug(b)));
}
