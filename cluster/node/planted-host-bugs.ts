/**
 * Bugs the host simulator's own tests switch on one at a time, to prove its checkers find them
 * (sim/planted-bugs.test.ts). Internal to cluster/node: no option a user sees carries them; a
 * test registers the options object it passes (MultiRaftOptions, ReplicaConfig) here.
 */
export type PlantedHostBug =
  /** acks=all is answered when the leader has the batch on its own disk, not when it is committed. */
  | 'ackBeforeCommit'
  /** A group whose apply threw logs it and advances anyway (the behaviour before group fencing). */
  | 'advancePastFailedApply'
  /** A Ready's messages go out before its store batch is durable (the persist-before-send rule broken). */
  | 'sendBeforeDurable';

export const PLANTED_HOST_BUGS: readonly PlantedHostBug[] = ['ackBeforeCommit', 'advancePastFailedApply', 'sendBeforeDurable'];

const planted = new WeakMap<object, ReadonlySet<PlantedHostBug>>();
const NONE: ReadonlySet<PlantedHostBug> = new Set();

/** Register `options` as carrying `bugs` (tests only); returns it. */
export function plantHostBugs<T extends object>(options: T, bugs: ReadonlySet<PlantedHostBug>): T {
  if (bugs.size > 0) planted.set(options, bugs);
  return options;
}

export function hostBugsOf(options: object): ReadonlySet<PlantedHostBug> {
  return planted.get(options) ?? NONE;
}
