import { describe, expect, it } from 'vitest';
import type { PlantedBug } from '../types';
import { SimFailure } from './failure';
import { checkSchedules, describeFailure, type Profile, runSchedule } from './schedule';

/**
 * Proof that the simulator catches real bugs: each planted bug (Config.plantedBugs) is switched
 * on alone, and the same general checker must report a violation within a bounded number of
 * schedules. Seeds are fixed so CI is stable; `npm run sim -- --runs N --bug NAME` hunts with
 * fresh seeds. The fault profile is chosen per bug: each needs its own conditions to surface
 * (duplicated vote answers, crashes mid-election, stale leaders...).
 */
const cases: Array<{ bug: PlantedBug; nodes: number; profile: Profile; budget: number; why: string }> = [
  { bug: 'voteTwiceInTerm', nodes: 3, profile: 'default', budget: 500, why: 'two candidates win in one term' },
  { bug: 'skipLogUpToDateCheck', nodes: 3, profile: 'default', budget: 500, why: 'a leader without committed entries' },
  { bug: 'countVotesTwice', nodes: 5, profile: 'churn', budget: 2000, why: 'a duplicated vote answer makes a false majority' },
  { bug: 'forgetVoteOnRestart', nodes: 3, profile: 'churn', budget: 6000, why: 'a node that restarts mid-election votes again' },
  { bug: 'acceptStaleAppend', nodes: 3, profile: 'churn', budget: 6000, why: 'a deposed leader overwrites entries' },
];

const seedOf = (bug: string) => [...bug].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 17);

describe('the simulator finds planted bugs', () => {
  for (const { bug, nodes, profile, budget, why } of cases) {
    it(`finds ${bug} (${why}) within ${budget} schedules`, () => {
      const details = checkSchedules({ nodes, bugs: new Set([bug]), profile, runs: budget, seed: seedOf(bug) });
      expect(details.failed, `${bug} went unnoticed for ${budget} schedules`).toBe(true);
      const err = details.errorInstance;
      // A real finding: a checker violation or one of the core's own inline assertions, never a simulator crash.
      const isFinding = err instanceof SimFailure || (err instanceof Error && err.message.startsWith('raft'));
      expect(isFinding, `unexpected error: ${String(err)}`).toBe(true);
      console.log(`${bug}: found after ${details.numRuns} schedule(s)\n${describeFailure(details, nodes, bug, profile)}`);

      // The shrunk counterexample replays to the same violation (what `npm run sim -- --seed=... --path=...` does).
      const replay = checkSchedules({ nodes, bugs: new Set([bug]), profile, runs: 1, seed: details.seed, path: details.counterexamplePath ?? undefined });
      expect(replay.failed).toBe(true);
      const [c] = replay.counterexample!;
      expect(() => runSchedule(c, { nodes, bugs: new Set([bug]) })).toThrow();
      // And with the bug switched off, the very same schedule is clean.
      expect(() => runSchedule(c, { nodes })).not.toThrow();
    });
  }
});
