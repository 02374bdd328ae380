import { describe, expect, it } from 'vitest';
import { PLANTED_HOST_BUGS, type PlantedHostBug } from '../planted-host-bugs';
import { HostSimFailure, runHostSimulation } from './host-simulation';

/**
 * Proof that the host simulator catches real host bugs: each planted bug is switched on alone,
 * and the general checkers (not an assertion aimed at the bug) must report a violation within a
 * bounded number of schedules; the replay command's seed fails the same way, and the same seed
 * with the bug off is clean.
 */
const BUDGET = 500;
const why: Record<PlantedHostBug, string> = {
  ackBeforeCommit: 'an acknowledged write is lost when its leader is cut off before committing it',
  advancePastFailedApply: 'a replica that skipped entries diverges or stops serving',
  sendBeforeDurable: 'a crash loses what a node already voted for or acknowledged',
};

async function firstFailure(bug: PlantedHostBug): Promise<HostSimFailure | undefined> {
  for (let i = 0; i < BUDGET; i++) {
    try {
      await runHostSimulation({ seed: 7000 + i, bugs: new Set([bug]) });
    } catch (e) {
      if (e instanceof HostSimFailure) return e;
      throw e;
    }
  }
  return undefined;
}

describe('the host simulator finds planted host bugs', () => {
  for (const bug of PLANTED_HOST_BUGS) {
    it(`finds ${bug} (${why[bug]}) within ${BUDGET} schedules, and the seed replays it`, { timeout: 600_000 }, async () => {
      const found = await firstFailure(bug);
      expect(found, `${bug} went unnoticed for ${BUDGET} schedules`).toBeDefined();
      const f = found!;
      console.log(`${bug}: ${f.message}`);
      expect(f.message).toContain(`--seed ${f.options.seed}`);
      await expect(runHostSimulation({ ...f.options })).rejects.toThrow(f.message.split('\n')[0]);
      await expect(runHostSimulation({ ...f.options, bugs: new Set() })).resolves.toBeDefined();
    });
  }
});
