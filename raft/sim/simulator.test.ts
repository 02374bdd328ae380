import { describe, expect, it } from 'vitest';
import { checkSchedules, describeFailure, emptyTotals, type Profile, runSchedule } from './schedule';
import type { ScheduleCase } from './schedule';

/**
 * The default suite's random schedules, of 3 and 5 nodes, with crashes, partitions, loss,
 * duplication, reordering, snapshots, transfers, membership changes and reads, under randomly
 * chosen core settings; every step is checked for safety and every schedule ends with a liveness
 * check. `npm run sim:long` runs many more.
 */
const plan: Array<{ nodes: number; runs: number; profile: Profile }> = [
  { nodes: 3, runs: 2500, profile: 'default' },
  { nodes: 3, runs: 500, profile: 'churn' },
  { nodes: 3, runs: 500, profile: 'figure8' },
  { nodes: 5, runs: 1500, profile: 'default' },
  { nodes: 5, runs: 500, profile: 'churn' },
  { nodes: 5, runs: 300, profile: 'figure8' },
];

describe('random schedules keep Raft safe and live', () => {
  for (const { nodes, runs, profile } of plan) {
    it(`${runs} ${profile} schedules of ${nodes} nodes: no safety violation at any step, and a leader commits after healing`, () => {
      const totals = emptyTotals();
      const started = Date.now();
      const details = checkSchedules({ nodes, runs, profile, totals });
      if (details.failed) throw new Error(describeFailure(details, { nodes, profile }));
      console.log(
        `${totals.schedules} schedules (${nodes} nodes, ${profile}) in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
          `${totals.steps} steps, ${totals.ticks} ticks, ${totals.messages} messages, ${totals.committed} values committed, ` +
          `${totals.crashes} crashes, ${totals.elections} elections, ${totals.reads} reads, ${totals.snapshots} snapshots, ` +
          `${totals.transfers} transfers, ${totals.confChanges} membership changes, ` +
          `${totals.wipes} disks wiped, ${totals.readmissions} readmitted, ${totals.repromotions} voters again`,
      );
      expect(totals.schedules).toBe(runs);
      // The schedules must exercise the protocol, not idle.
      expect(totals.committed).toBeGreaterThan(2 * runs);
      expect(totals.crashes).toBeGreaterThan(runs / 2);
      expect(totals.elections).toBeGreaterThan(2 * runs);
      if (profile === 'default') {
        expect(totals.reads).toBeGreaterThan(runs);
        expect(totals.snapshots).toBeGreaterThan(runs / 2);
        expect(totals.confChanges).toBeGreaterThan(runs / 2);
      }
      if (profile !== 'figure8') {
        // Wiped disks, and the readmission protocol carried through (the final heal finishes any).
        expect(totals.wipes).toBeGreaterThan(runs / 10);
        // (A readmission may be started over in the final heal, so at least one per wipe.)
        expect(totals.readmissions).toBeGreaterThanOrEqual(totals.wipes);
      }
    });
  }
});

describe('a wiped disk', () => {
  it('a wiped voter of 3 stays down until removed, comes back as a learner with an empty disk, and is made a voter again', () => {
    const c: ScheduleCase = {
      seed: 77,
      knobs: { preVote: true, checkQuorum: true, maxMessageBytes: 64, maxInflightMessages: 4 },
      actions: [
        { t: 'tick', n: 30 },
        { t: 'propose', node: 'leader', count: 3 },
        { t: 'tick', n: 10 },
        { t: 'wipe', node: 'leader' },
        { t: 'restart', node: 0 }, // a restart does not bring it back
        { t: 'tick', n: 40 },
        { t: 'propose', node: 'leader', count: 2 },
        { t: 'tick', n: 40 },
        { t: 'tick', n: 40 },
      ],
    };
    const log: string[] = [];
    const sim = runSchedule(c, { nodes: 3, log: (l) => log.push(l) });
    expect(sim.stats.wipes).toBe(1);
    expect(sim.stats.readmissions).toBe(1);
    expect(sim.stats.repromotions).toBe(1);
    const at = (re: RegExp) => log.findIndex((l) => re.test(l));
    const wiped = at(/wipe (\d): disk erased/);
    const id = /wipe (\d)/.exec(log[wiped])![1];
    // In order: removed, added as a learner, readmitted, a voter again.
    const order = [
      at(new RegExp(`operator: removeNode ${id} proposed`)),
      at(new RegExp(`operator: addLearner ${id} proposed`)),
      at(new RegExp(`readmit ${id}: learner entry`)),
      at(new RegExp(`operator: addVoter ${id} proposed`)),
      at(new RegExp(`readmit ${id}: a voter again`)),
    ];
    expect(order.every((i) => i > wiped)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('the simulator is deterministic', () => {
  it('the same seed and schedule produce the same run, event for event', () => {
    const c: ScheduleCase = {
      seed: 1234,
      knobs: { preVote: true, checkQuorum: true, maxMessageBytes: 8, maxInflightMessages: 3 },
      actions: [
        { t: 'tick', n: 25 },
        { t: 'propose', node: 'leader', count: 3 },
        { t: 'read', node: 'leader' },
        { t: 'partition', mask: 0b0011 },
        { t: 'tick', n: 30 },
        { t: 'crash', node: 'leader' },
        { t: 'heal' },
        { t: 'net', loss: 20, dup: 20, maxDelay: 6 },
        { t: 'propose', node: 2, count: 2 },
        { t: 'conf', change: 'addLearner', node: 3 },
        { t: 'restart', node: 0 },
        { t: 'tick', n: 40 },
        { t: 'snapshot', node: 'leader' },
        { t: 'transfer', to: 1 },
        { t: 'tick', n: 40 },
      ],
    };
    const logA: string[] = [];
    const logB: string[] = [];
    const a = runSchedule(c, { nodes: 3, log: (l) => logA.push(l) });
    const b = runSchedule(c, { nodes: 3, log: (l) => logB.push(l) });
    expect(logA.length).toBeGreaterThan(20);
    expect(logB).toEqual(logA);
    expect(b.stats).toEqual(a.stats);
    expect(b.time).toBe(a.time);
  });
});
