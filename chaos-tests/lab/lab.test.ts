/**
 * The lab against real clusters (3 node processes each, every peer link and client connection
 * through its own proxy): a short schedule of every fault family must pass every checker, and a
 * planted fault that really loses acknowledged writes must be reported as a violation.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { operations, parseHistory } from '../checker/index';
import { runChaosCommand } from './command';
import type { LabResults } from './results';
import { applicable, parseNemeses } from './schedule';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function chaos(argv: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'flotilla-chaos-'));
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  onTestFailed(async () => {
    console.error(`---- flotilla chaos ${argv.join(' ')}\n${stdout}\n${stderr}`);
    for (const id of [1, 2, 3]) console.error(`---- node ${id} (last lines)\n${(await readFile(join(out, `node-${id}.log`), 'utf8').catch(() => '')).split('\n').slice(-40).join('\n')}`);
  });
  // No --toxiproxy: the proxies go where openToxiproxy() says (TOXIPROXY_URL's Toxiproxy when set, so the
  // suite runs against a real one unchanged; otherwise the fault proxy, in-process).
  const code = await runChaosCommand([...argv, '--out', out], io, new AbortController().signal, {});
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as LabResults;
  const history = parseHistory(await readFile(join(out, 'history.jsonl'), 'utf8'));
  dirs.push(out);
  return { code, stdout, stderr, results, history, out };
}

describe('flotilla chaos on a real 3-node cluster', () => {
  it('a short schedule of every fault family (partition, kill, pause, storage, clock) passes every checker', async () => {
    const r = await chaos(['--nemesis', 'partition,kill,pause,storage,clock', '--time', '100', '--seed', '3', '--hold', '2-3', '--gap', '1.5-2.5', '--partitions', '2', '--writers', '1', '--liveness', '45']);
    expect(r.stdout).toContain('chaos: every checker passed (seed 3)');
    expect(r.code).toBe(0);
    expect(r.results.verdicts.map((v) => [v.checker, v.ok])).toEqual(['lost', 'duplicates', 'reads', 'replicas', 'linearizable', 'liveness', 'crashes'].map((c) => [c, true]));
    // Every fault of the default set that applies to 3 nodes ran, each with a start and an end in the history.
    const kinds = applicable(parseNemeses('all'), 3);
    expect(new Set(r.results.faults.map((f) => f.kind))).toEqual(new Set(kinds));
    for (const kind of kinds) {
      const events = r.history.filter((e) => e.type === 'nemesis' && e.fault === kind).map((e) => (e.type === 'nemesis' ? e.phase : ''));
      expect(events.slice(0, 2), kind).toEqual(['start', 'end']);
    }
    // It checked real work: acknowledged writes in both partitions, reads, unknown outcomes classified.
    const ops = operations(r.history);
    for (const p of [0, 1]) expect(ops.filter((o) => o.partition === p && o.f === 'append' && o.outcome === 'ok').length).toBeGreaterThan(50);
    expect(ops.filter((o) => o.f === 'fetch' && o.outcome === 'ok').length).toBeGreaterThan(50);
    expect(r.results.recovery).toHaveLength(r.results.faults.length + 1); // and the final heal
    expect(r.results.throughput.length).toBeGreaterThan(90);
    expect(r.results.schedule.length).toBe(r.results.faults.length);
    // The run's report is written beside its history, and `flotilla chaos report DIR` writes it again from the files.
    const page = await readFile(join(r.out, 'report.html'), 'utf8');
    for (const kind of kinds) expect(page, `report names fault ${kind}`).toContain(kind);
    expect(r.stdout).toContain(`report:  ${join(r.out, 'report.html')}`);
    await rm(join(r.out, 'report.html'));
    let said = '';
    const io = { stdout: { write: (t: string) => (said += t) }, stderr: { write: (t: string) => (said += t) } };
    expect(await runChaosCommand(['report', r.out], io, new AbortController().signal, {})).toBe(0);
    expect(said).toBe(`report: ${join(r.out, 'report.html')}\n`);
    expect(await readFile(join(r.out, 'report.html'), 'utf8')).toBe(page);
  }, 600_000);

  it('a planted fault that loses acknowledged writes (every node rolled back to an older copy of its disk) is a violation, with the seed and the command that replays it', async () => {
    const r = await chaos(['--nemesis', 'amnesia-all', '--time', '8', '--seed', '5', '--hold', '4', '--gap', '1', '--partitions', '2', '--writers', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('chaos: VIOLATION (seed 5). The same schedule again:\n  npx flotilla chaos --nemesis amnesia-all --time 8 --seed 5 --nodes 3');
    const lost = r.results.verdicts.find((v) => v.checker === 'lost')!;
    expect(lost.ok).toBe(false);
    // Each anomaly points at the invocation of an append that was acknowledged and is gone.
    const ops = operations(r.history);
    for (const a of lost.anomalies.slice(0, 20)) {
      const op = ops.find((o) => o.index === a.lines[0] - 1)!;
      expect(op).toMatchObject({ f: expect.stringMatching(/append|cas/), outcome: 'ok' });
      expect(a.message).toContain(op.value);
    }
    expect(r.results.ok).toBe(false);
  }, 300_000);
});
