/**
 * Consumer groups on real processes: a 3-node cluster, a 6-partition topic, and group members
 * that are child processes of their own (group-member.ts), so that a member's death is a real
 * SIGKILL. Checked: the partitions of a killed member move to the others (rebalance times are
 * printed: member death to every partition held again); every record is processed at least once
 * and the committed offsets have no gaps (every offset below a partition's committed offset was
 * processed by some member); a member added mid-stream takes partitions by cooperative
 * rebalancing (the others keep consuming what they keep: nothing of theirs is revoked but what
 * moves); a zombie's commits are refused; committed offsets survive the coordinator node's death
 * and a full-cluster restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { META } from '../../proto/load';
import type { Flotilla, Producer } from '../client';
import { ProcessCluster, REPO_ROOT, spawnCli, waitFor } from './process-cluster';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const TOPIC = 'cg-events';
const GROUP = 'cg-workers';
const PARTITIONS = 6;
const SESSION_MS = 3000;

interface MemberEvent {
  ev: string;
  t: number;
  partitions?: number[];
  holds?: number[];
  memberId?: string;
  generation?: number;
  p?: number;
  o?: number;
}

/** One member process and what it printed. */
class Member {
  readonly events: MemberEvent[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private partial = '';

  constructor(
    readonly name: string,
    brokers: string,
    processed: Map<number, Set<number>>,
    instance = '',
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'cluster/e2e/group-member.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, BROKERS: brokers, GROUP, TOPIC, NAME: name, INSTANCE: instance, SESSION_MS: String(SESSION_MS), HEARTBEAT_MS: '300', COMMIT_MS: '300' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      const lines = (this.partial + d.toString()).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as MemberEvent;
        this.events.push(e);
        if (e.ev === 'rec') processed.get(e.p!)!.add(e.o!);
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => process.env.FLOTILLA_E2E_VERBOSE && process.stderr.write(`[${name}] ${d.toString()}`));
    this.exited = new Promise((r) => this.child.on('close', () => r()));
  }

  /** The partitions it holds now, by its last assigned / revoked / lost events. */
  holds(): number[] {
    const held = new Set<number>();
    for (const e of this.events) {
      if (e.ev === 'assigned') for (const p of e.partitions!) held.add(p);
      if (e.ev === 'revoked' || e.ev === 'lost') for (const p of e.partitions!) held.delete(p);
    }
    return [...held].sort((a, b) => a - b);
  }

  membership(): { memberId: string; generation: number } | undefined {
    const e = [...this.events].reverse().find((x) => x.memberId);
    return e ? { memberId: e.memberId!, generation: e.generation! } : undefined;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child.kill(signal);
    return this.exited;
  }
}

function raw(cluster: ProcessCluster, nodeId: number, method: string, req: unknown): Promise<unknown> {
  const client = cluster.rawClient(nodeId);
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, (r: unknown, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v?: unknown) => void) => void>)[method].call(
      client,
      req,
      new grpc.Metadata(),
      { deadline: Date.now() + 10_000 },
      (e, v) => (e ? reject(e) : resolve(v)),
    ),
  );
}

const codeOf = (e: unknown) => (e as grpc.ServiceError).metadata?.get(META.error)[0];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

describe('consumer groups (3 nodes, members as processes)', () => {
  let cluster: ProcessCluster;
  let flotilla: Flotilla;
  let producer: Producer;
  const processed = new Map<number, Set<number>>(Array.from({ length: PARTITIONS }, (_, p) => [p, new Set<number>()]));
  const members: Member[] = [];
  const live = () => members.filter((m) => m.child.exitCode === null && m.child.signalCode === null);
  const rebalanceMs: number[] = [];
  let produced = 0;
  let n = 0;

  const spawnMember = (instance = '') => {
    const m = new Member(`m${++n}`, cluster.brokers.join(','), processed, instance);
    members.push(m);
    return m;
  };
  const produce = async (count: number) => {
    const sends = [];
    for (let i = 0; i < count; i++) sends.push(producer.send({ topic: TOPIC, key: `k${produced + i}`, value: `v${produced + i}` }));
    produced += count;
    await Promise.all(sends);
  };
  /** Every partition held by exactly one live member. */
  const covered = () => {
    const all = live().flatMap((m) => m.holds());
    return all.length === PARTITIONS && new Set(all).size === PARTITIONS;
  };
  const logEnds = async () => Promise.all(Array.from({ length: PARTITIONS }, (_, partition) => flotilla.consumer().listOffsets({ topic: TOPIC, partition, spec: 'latest' })));
  /** Every record processed, and the group's committed offsets at the log end. */
  const allDone = async () => {
    const ends = await logEnds();
    await waitFor('every record processed', () => ends.every((end, p) => processed.get(p)!.size >= end && [...Array(end).keys()].every((o) => processed.get(p)!.has(o))), 60_000);
    await waitFor(
      'the committed offsets at the log end',
      async () => {
        const offsets = await flotilla.groups().committedOffsets(GROUP);
        return offsets.length === PARTITIONS && offsets.every((o) => o.offset === ends[o.partition]);
      },
      60_000,
    );
  };
  /** No gaps: every offset below a committed offset was processed by some member. */
  const checkNoGaps = async () => {
    for (const o of await flotilla.groups().committedOffsets(GROUP)) {
      for (let off = 0; off < o.offset; off++) expect(processed.get(o.partition)!.has(off), `partition ${o.partition} offset ${off}`).toBe(true);
    }
  };

  beforeAll(async () => {
    cluster = await ProcessCluster.start({ nodes: 3, name: 'consumer-groups' });
    flotilla = cluster.client();
    await flotilla.admin().createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    producer = flotilla.producer({ acks: 'all' });
    await produce(300);
  });

  afterAll(async () => {
    for (const m of members) m.child.kill('SIGKILL');
    await producer?.close().catch(() => undefined);
    await cluster?.cleanup();
  });

  it('three members share the topic; SIGKILLed members\' partitions move within the session timeout; every record at least once, no gaps in committed offsets', async () => {
    cluster.dumpLogsOnFailure();
    for (let i = 0; i < 3; i++) spawnMember();
    await waitFor('three members holding two partitions each', () => live().every((m) => m.holds().length === 2) && covered(), 60_000);
    await allDone();
    for (let round = 0; round < 3; round++) {
      const streaming = produce(300);
      const victim = live()[round % live().length];
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      // Liveness bound only: the partitions move once the session times out and the others rejoin.
      await waitFor('the killed member\'s partitions held by the others', () => covered() && live().every((m) => m.holds().length > 0), 60_000, 20);
      const reassignedAt = Math.max(...live().flatMap((m) => m.events.filter((e) => e.ev === 'assigned' && e.t >= killedAt).map((e) => e.t)));
      rebalanceMs.push(reassignedAt - killedAt);
      await streaming;
      await allDone();
      await checkNoGaps();
      // A member joins mid-stream: cooperative rebalancing hands it partitions; the others keep
      // what they keep (revoking only what moves, never losing their assignment).
      const before = new Map(live().map((m) => [m, m.holds()]));
      const since = Date.now();
      const more = produce(300);
      const joiner = spawnMember();
      await waitFor('the new member holding partitions, all partitions held', () => joiner.holds().length > 0 && covered() && live().every((m) => m.holds().length === 2), 60_000);
      for (const [m, held] of before) {
        const revoked = m.events.filter((e) => e.t >= since && e.ev === 'revoked').flatMap((e) => e.partitions!);
        expect(m.events.filter((e) => e.t >= since && e.ev === 'lost')).toEqual([]);
        // What it holds now it never gave up meanwhile; what it gave up is what moved.
        for (const p of m.holds()) expect(revoked).not.toContain(p);
        expect(revoked.length).toBe(held.length - m.holds().length);
      }
      await more;
      await allDone();
      await checkNoGaps();
    }
    console.log(`rebalance after a member's SIGKILL (session timeout ${SESSION_MS} ms): ${rebalanceMs.join(', ')} ms; median ${median(rebalanceMs)} ms, max ${Math.max(...rebalanceMs)} ms`);
  });

  it("a zombie's commits are refused (a removed member's, a live member's of an older generation); a frozen member loses its partitions and rejoins", async () => {
    const dead = members.find((m) => m.child.signalCode === 'SIGKILL')!.membership()!;
    const found = (await raw(cluster, 1, 'findCoordinator', { groupId: GROUP })) as { coordinator: number };
    const commit = (memberId: string, generation: number) =>
      raw(cluster, found.coordinator, 'commitOffsets', { groupId: GROUP, memberId, generation, offsets: [{ topic: TOPIC, partition: 0, offset: 0 }] }).then(
        () => 'accepted',
        codeOf,
      );
    expect(await commit(dead.memberId, dead.generation)).toBe('UNKNOWN_MEMBER_ID');
    const alive = live()[0].membership()!;
    expect(await commit(alive.memberId, alive.generation - 1)).toBe('ILLEGAL_GENERATION');
    expect(await commit('', -1)).toBe('GROUP_NOT_EMPTY');
    // Nothing moved: the committed offsets are still at the log end.
    const ends = await logEnds();
    for (const o of await flotilla.groups().committedOffsets(GROUP)) expect(o.offset).toBe(ends[o.partition]);

    // A real zombie: a member process frozen (SIGSTOP: no heartbeats, no leave). Its partitions
    // move to the others; thawed, it learns it was removed ('lost', nothing committed) and joins again.
    const zombie = live()[0];
    const others = live().filter((m) => m !== zombie);
    const frozenAt = Date.now();
    zombie.child.kill('SIGSTOP');
    await waitFor('the frozen member\'s partitions held by the others', () => new Set(others.flatMap((m) => m.holds())).size === PARTITIONS, 60_000, 20);
    await produce(120);
    zombie.child.kill('SIGCONT');
    await waitFor('the thawed member told it lost its partitions', () => zombie.events.some((e) => e.ev === 'lost' && e.t >= frozenAt), 60_000);
    await waitFor('the thawed member back in the group', () => zombie.holds().length > 0 && covered(), 60_000);
    await allDone();
    await checkNoGaps();
  });

  it('static membership: a member restarted within its session gets its partitions back with no rebalance', async () => {
    const staticMember = spawnMember('static-1');
    await waitFor('the static member holding partitions, all partitions held', () => staticMember.holds().length > 0 && covered() && live().every((m) => m.holds().length > 0), 60_000);
    await allDone();
    const others = live().filter((m) => m !== staticMember);
    const held = staticMember.holds();
    const { generation } = staticMember.membership()!;
    const since = Date.now();
    await staticMember.kill('SIGKILL');
    const again = spawnMember('static-1');
    await waitFor('the restarted static member holding its partitions', () => again.holds().length === held.length, 60_000);
    expect(again.holds()).toEqual(held);
    expect(again.membership()!.generation).toBe(generation);
    // Nobody else noticed: no partitions assigned, revoked or lost since.
    for (const m of others) expect(m.events.filter((e) => e.t >= since && e.ev !== 'rec')).toEqual([]);
    await produce(120);
    await allDone();
    await checkNoGaps();
  });

  it("committed offsets survive the coordinator node's death, and the members carry on", async () => {
    const found = (await raw(cluster, 1, 'findCoordinator', { groupId: GROUP })) as { coordinator: number };
    const before = await flotilla.groups().committedOffsets(GROUP);
    await cluster.kill(found.coordinator, 'SIGKILL');
    await produce(300);
    await allDone();
    await checkNoGaps();
    const after = await flotilla.groups().committedOffsets(GROUP);
    for (const o of before) expect(after.find((a) => a.partition === o.partition)!.offset).toBeGreaterThanOrEqual(o.offset);
    const d = await flotilla.groups().describe(GROUP);
    expect(d.coordinator).not.toBe(found.coordinator);
    expect(d.partitions.every((p) => p.lag === 0)).toBe(true);
    await cluster.restart(found.coordinator);
    await cluster.waitReady();
  });

  it('committed offsets survive a full-cluster restart', async () => {
    for (const m of live()) await m.kill('SIGTERM'); // close(): commits, leaves (a static member does not leave: it expires)
    await waitFor('the group empty', async () => (await flotilla.groups().describe(GROUP)).state === 'empty', 60_000);
    const before = (await flotilla.groups().committedOffsets(GROUP)).map((o) => [o.partition, o.offset]);
    expect(before).toHaveLength(PARTITIONS);
    await cluster.stopAll();
    await cluster.startAll();
    await cluster.waitReady();
    const after = await waitFor('the group back', async () => (await flotilla.groups().committedOffsets(GROUP)).map((o) => [o.partition, o.offset]), 60_000);
    expect(after).toEqual(before);
    const d = await flotilla.groups().describe(GROUP);
    expect(d.state).toBe('empty');
    expect(d.members).toEqual([]);
  });

  it('the CLI: group list / describe / reset-offsets / delete, and consume --group', async () => {
    const cli = async (...args: string[]) => {
      const p = spawnCli([...args, '--brokers', cluster.brokers.join(',')]);
      const exit = await p.exited;
      return { code: exit.code, out: p.output.stdout, err: p.output.stderr };
    };
    const list = await cli('group', 'list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(new RegExp(`${GROUP}\\s+empty\\s+0`));
    const ends = await logEnds();
    const described = await cli('group', 'describe', GROUP, '--json');
    expect(described.code, described.err).toBe(0);
    const d = JSON.parse(described.out) as { partitions: { partition: number; committed: number; logEndOffset: number; lag: number }[] };
    expect(d.partitions.map((p) => [p.partition, p.committed, p.logEndOffset, p.lag])).toEqual(ends.map((end, p) => [p, end, end, 0]));
    const text = await cli('group', 'describe', GROUP);
    expect(text.out).toMatch(/COMMITTED\s+LOG END\s+LAG/);

    // Reset partition 0 to offset 3, then read three records of it as the group: they start there.
    const reset = await cli('group', 'reset-offsets', GROUP, '--topic', TOPIC, '--partition', '0', '--to-offset', '3');
    expect(reset.code, reset.err).toBe(0);
    expect((await flotilla.groups().committedOffsets(GROUP)).find((o) => o.partition === 0)!.offset).toBe(3);
    const consumed = await cli('consume', '--topic', TOPIC, '--group', GROUP, '--max', '3', '--print-offset');
    expect(consumed.code, consumed.err).toBe(0);
    expect(consumed.out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['0:3', '0:4', '0:5']);
    expect((await flotilla.groups().committedOffsets(GROUP)).find((o) => o.partition === 0)!.offset).toBe(6);

    const bad = await cli('group', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-earliest', '--to-latest');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/exactly one of --to-earliest, --to-latest/);
    const earliest = await cli('group', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-earliest');
    expect(earliest.code, earliest.err).toBe(0);
    expect((await flotilla.groups().committedOffsets(GROUP)).every((o) => o.offset === 0)).toBe(true);

    const deleted = await cli('group', 'delete', GROUP);
    expect(deleted.code, deleted.err).toBe(0);
    const gone = await cli('group', 'describe', GROUP);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/group "cg-workers" does not exist/);
    expect(await flotilla.groups().committedOffsets(GROUP)).toEqual([]);
  });
});
