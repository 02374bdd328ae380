import { describe, expect, it } from 'vitest';
import { checkSchedules, describeFailure, emptyTotals, runSchedule, type Profile } from './schedule';

/**
 * The default suite's share of random schedules: 9,000 in all (about 20 s on a 2-core box), of 3 and 5 nodes, with crashes,
 * partitions, loss, duplication, reordering, snapshots, transfers, membership changes and reads,
 * under randomly chosen core settings. `npm run sim:long` runs many more.
 */
const plan: Array<{ nodes: number; runs: number; profile: Profile }> = [
  { nodes: 3, runs: 4000, profile: 'default' },
  { nodes: 3, runs: 1000, profile: 'churn' },
  { nodes: 5, runs: 3000, profile: 'default' },
  { nodes: 5, runs: 1000, profile: 'churn' },
];

describe('random schedules keep Raft safe and live', () => {
  for (const { nodes, runs, profile } of plan) {
    it(`${runs} ${profile} schedules of ${nodes} nodes: no safety violation, and a leader commits after healing`, () => {
      const totals = emptyTotals();
      const started = Date.now();
      const details = checkSchedules({ nodes, runs, profile, totals });
      if (details.failed) throw new Error(describeFailure(details, nodes, undefined, profile));
      console.log(
        `${totals.schedules} schedules (${nodes} nodes, ${profile}) in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
          `${totals.ticks} ticks, ${totals.committed} entries committed, ${totals.crashes} crashes, ${totals.elections} elections, ` +
          `${totals.reads} reads, ${totals.snapshots} snapshots, ${totals.confChanges} membership changes`,
      );
      expect(totals.schedules).toBe(runs);
      // The schedules must actually exercise the protocol, not idle.
      expect(totals.committed).toBeGreaterThan(runs);
      expect(totals.crashes).toBeGreaterThan(runs / 2);
      expect(totals.elections).toBeGreaterThan(runs);
    });
  }
});

describe('the simulator is deterministic', () => {
  it('the same seed and schedule produce the same run, event for event', () => {
    const c = {
      seed: 1234,
      knobs: { preVote: true, checkQuorum: true, maxMessageBytes: 8, maxInflightMessages: 3 },
      actions: [
        { t: 'tick' as const, n: 25 },
        { t: 'propose' as const, node: 0, count: 3 },
        { t: 'partition' as const, mask: 0b0011 },
        { t: 'tick' as const, n: 30 },
        { t: 'crash' as const, node: 1 },
        { t: 'heal' as const },
        { t: 'propose' as const, node: 2, count: 2 },
        { t: 'restart' as const, node: 1 },
        { t: 'tick' as const, n: 40 },
      ],
    };
    const logA: string[] = [];
    const logB: string[] = [];
    const a = runSchedule(c, { nodes: 3, log: (l) => logA.push(l) });
    const b = runSchedule(c, { nodes: 3, log: (l) => logB.push(l) });
    expect(logA.length).toBeGreaterThan(5);
    expect(logB).toEqual(logA);
    expect(b.stats).toEqual(a.stats);
  });
});
