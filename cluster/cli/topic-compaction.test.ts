import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCluster } from '../client/test-broker';
import { runCliCaptured } from './run-captured';

let cluster: FakeCluster;

beforeAll(async () => {
  cluster = await FakeCluster.start(3);
});
afterAll(async () => {
  await cluster.stop();
});

const cli = (argv: string[]) => runCliCaptured(argv, cluster.addresses);

describe('flotilla CLI: compacted topics', () => {
  it('topic describe shows each leader cleaner: passes, cleaned offsets, dirty ratio, bytes reclaimed, records and tombstones removed; --json has it all', async () => {
    const t = cluster.createTopic('kv', 2);
    t.config = { 'cleanup.policy': 'compact' };
    const progress = {
      node: 1,
      passes: 4,
      cleanedThroughOffset: 1200,
      bytesReclaimed: 3 * 1024 * 1024,
      recordsRemoved: 950,
      tombstonesRemoved: 12,
      dirtyRatio: 0.25,
      cleanedThroughIndex: 1203,
      emptyThroughIndex: 400,
      lastPassMs: -1,
    };
    t.partitions[0].compaction = progress;
    const r = await cli(['topic', 'describe', 'kv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf("compaction (the leader's cleaner):");
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      'PARTITION  CLEANER ON  PASSES  CLEANED BELOW  DIRTY  RECLAIMED  RECORDS REMOVED  TOMBSTONES REMOVED  LAST PASS',
      '        0  node 1           4           1200  25%    3.0 MiB                950                  12  never',
    ]);
    const json = JSON.parse((await cli(['--json', 'topic', 'describe', 'kv'])).stdout);
    expect(json.partitions[0].compaction).toEqual(progress);
    expect(json.partitions[1].compaction).toBeNull();
  });

  it('produce --tombstone writes one null value for --key (a deletion), and needs --key', async () => {
    cluster.createTopic('users', 1);
    const r = await cli(['produce', '-t', 'users', '-p', '0', '-k', 'user-1', '--tombstone']);
    expect(r.code, r.stderr).toBe(0);
    const log = cluster.topics.get('users')!.partitions[0].log;
    expect(log.map((x) => [x.key?.toString(), x.value])).toEqual([['user-1', null]]);
    const noKey = await cli(['produce', '-t', 'users', '--tombstone']);
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toMatch(/--tombstone needs --key/);
    const withValue = await cli(['produce', '-t', 'users', '-k', 'u', '--tombstone', 'v']);
    expect(withValue.code).not.toBe(0);
    expect(withValue.stderr).toMatch(/unexpected argument "v"/);
  });

  it('a topic that does not compact has no compaction table', async () => {
    cluster.createTopic('plain', 1);
    const r = await cli(['topic', 'describe', 'plain']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/compaction/);
  });
});
