import { describe, expect, it } from 'vitest';
import { type HostSimResult, runHostSimulation } from './host-simulation';

/**
 * The default suite's host schedules: the production node (MultiRaft, the store adapter over a
 * simulated LevelDB, replicas, leader sessions, retention) under crashes, partitions, lossy and
 * slow links, lost answers, failing applies and a bad disk, checked after every step.
 * `npm run sim:host -- --runs N --seed S` runs more; every failure prints its replay command.
 */
const SCHEDULES = Number(process.env.FLOTILLA_HOST_SCHEDULES ?? 500);
const FIRST_SEED = 1;

function summary(rs: readonly HostSimResult[]) {
  const sum = (f: (r: HostSimResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const faults: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + v;
  return {
    schedules: rs.length,
    steps: sum((r) => r.steps),
    virtualSeconds: Math.round(sum((r) => r.virtualMs) / 1000),
    acknowledged: sum((r) => r.records.acknowledged),
    conditional: sum((r) => r.records.conditional),
    leaderAcks: sum((r) => r.records.leaderAcks),
    fetched: sum((r) => r.records.fetched),
    applied: sum((r) => r.records.applied),
    groupFailures: sum((r) => r.groupFailures),
    repairs: sum((r) => r.repairs),
    snapshots: sum((r) => r.snapshots),
    faults,
  };
}

/** Schedules run in rounds, each its own test, so a slow machine's round stays within a test timeout. */
const ROUNDS = 5;

describe('the whole node under simulation', () => {
  const perRound = Math.ceil(SCHEDULES / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const first = FIRST_SEED + round * perRound;
    const count = Math.max(0, Math.min(perRound, SCHEDULES - round * perRound));
    if (count === 0) continue;
    it(`host schedules ${first}..${first + count - 1}: no acknowledged write lost, moved or duplicated, replicas agree, fetches see only committed records, and the cluster recovers after healing`, { timeout: 600_000 }, async () => {
      const started = Date.now();
      const results: HostSimResult[] = [];
      for (let i = 0; i < count; i++) {
        const seed = first + i;
        // Every tenth schedule runs 5 nodes.
        results.push(await runHostSimulation({ seed, nodes: seed % 10 === 0 ? 5 : 3 }));
      }
      const s = summary(results);
      console.log(`host simulation, ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(s)}`);
      // The schedules must exercise the node, not idle: writes, failovers, snapshots, fenced groups and their repair.
      expect(s.acknowledged).toBeGreaterThan(20 * count);
      expect(s.conditional).toBeGreaterThan(count);
      expect(s.fetched).toBeGreaterThan(20 * count);
      expect(s.faults.crash).toBeGreaterThan(count);
      expect(s.faults.applyFault).toBeGreaterThan(count / 2);
      expect(s.groupFailures).toBeGreaterThan(count / 4);
      expect(s.repairs).toBeGreaterThan(count / 4);
      expect(s.snapshots).toBeGreaterThan(count / 10);
      expect(s.faults.bitRot ?? 0).toBeGreaterThan(count / 20);
    });
  }

  it('one seed replays exactly: the same schedule, step for step', { timeout: 300_000 }, async () => {
    const lines = async () => {
      const out: string[] = [];
      const r = await runHostSimulation({ seed: 4242, log: (l) => out.push(l) });
      return { r, out };
    };
    const a = await lines();
    const b = await lines();
    expect(a.out.length).toBeGreaterThan(10);
    expect(b.out).toEqual(a.out);
    expect(b.r).toEqual(a.r);
  });
});
