import { describe, expect, it } from 'vitest';
import type { Bug } from './bugs';
import { SimFailure } from './failure';
import { checkSchedules, describeFailure, type Profile, type RunOptions, runSchedule } from './schedule';

/**
 * Proof that the simulator catches real bugs: each planted bug (raft/planted-bugs.ts, and the
 * host's in bugs.ts) is switched
 * on alone, and the simulator must report a safety violation within a bounded number of
 * schedules. A bug that breaks an invariant the core asserts inline (raft/assert.ts) is caught
 * there, the moment it acts; the others by the same general checker (checker.ts), from their
 * consequences. Each case says which, so that neither layer loses its proof unnoticed. Seeds are fixed so CI is stable; `npm run sim -- --runs N --bug NAME` hunts with
 * fresh seeds. The fault profile is chosen per bug, since each needs its own conditions to
 * surface (duplicated vote answers, crashes mid-election, leaders cut off right after a write).
 */
const cases: Array<{ bug: Bug; nodes: number; profile: Profile; why: string; caughtBy: 'invariant' | 'checker'; check?: RegExp }> = [
  { bug: 'voteTwiceInTerm', nodes: 3, profile: 'default', why: 'a node votes again within a term', caughtBy: 'invariant' },
  { bug: 'skipLogUpToDateCheck', nodes: 3, profile: 'default', why: 'a leader lacks committed entries', caughtBy: 'checker' },
  { bug: 'countVotesTwice', nodes: 5, profile: 'churn', why: 'a duplicated vote answer makes a false majority', caughtBy: 'invariant' },
  { bug: 'forgetVoteOnRestart', nodes: 3, profile: 'churn', why: 'a node restarted mid-election votes again', caughtBy: 'checker' },
  { bug: 'acceptStaleAppend', nodes: 3, profile: 'figure8', why: 'a deposed leader overwrites entries', caughtBy: 'checker' },
  { bug: 'commitOldTermByCounting', nodes: 3, profile: 'figure8', why: 'Figure 8: an old-term entry counted committed is overwritten', caughtBy: 'checker' },
  // The host's bug: the readmission protocol is off, a wiped voter rejoins at once with an empty log.
  {
    bug: 'rejoinWipedAsVoter',
    nodes: 3,
    profile: 'default',
    why: 'a wiped voter rejoins at once having forgotten its vote, and votes again in a term',
    caughtBy: 'checker',
    check: /election safety: nodes \d+ and \d+ are both leader in term/,
  },
];

const BUDGET = 2000;
const seedOf = (bug: string) => [...bug].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 17);

describe('the simulator finds planted bugs', () => {
  for (const { bug, nodes, profile, why, caughtBy, check } of cases) {
    it(`finds ${bug} (${why}) as a safety violation (by the ${caughtBy}) within ${BUDGET} schedules, and the replay fails the same way`, () => {
      const bugs = new Set([bug]);
      const opts: RunOptions = { nodes, profile, bugs };
      const details = checkSchedules({ ...opts, runs: BUDGET, seed: seedOf(bug) });
      expect(details.failed, `${bug} went unnoticed for ${BUDGET} schedules`).toBe(true);
      const err = details.errorInstance;
      expect(err instanceof SimFailure && !err.message.includes('liveness'), `not a safety violation: ${String(err)}`).toBe(true);
      expect(/^step \d+: invariant/.test((err as SimFailure).message) ? 'invariant' : 'checker', String(err)).toBe(caughtBy);
      if (check) expect((err as SimFailure).message).toMatch(check);
      console.log(`${bug}: found in schedule ${details.numRuns}\n${describeFailure(details, opts, bug)}`);

      // The printed replay (`npm run sim -- --seed=... --path=...`) regenerates the shrunk schedule and fails with the same message.
      const replay = checkSchedules({ ...opts, runs: 1, seed: details.seed, path: details.counterexamplePath ?? undefined });
      expect(replay.failed).toBe(true);
      expect(String(replay.errorInstance)).toBe(String(err));
      // With the bug switched off, the very same schedule is clean: the violation is the bug's.
      const [c] = replay.counterexample!;
      expect(() => runSchedule(c, { nodes })).not.toThrow();
    });
  }
});
