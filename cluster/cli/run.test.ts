import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCluster } from '../client/test-broker';
import { runCliCaptured } from './run-captured';

let cluster: FakeCluster;

beforeAll(async () => {
  cluster = await FakeCluster.start(2);
});
afterAll(async () => {
  await cluster.stop();
});

/** Runs the CLI in-process against the fake cluster, capturing its output. */
const cli = (argv: string[], stdin = '', env: Record<string, string> = {}) => runCliCaptured(argv, cluster.addresses, { stdin, env });

describe('flotilla CLI against a server', () => {
  it('topic create, list, describe and delete report what the cluster did', async () => {
    expect(await cli(['topic', 'create', 'orders', '--partitions', '3', '-c', 'retention.ms=1000'])).toEqual({
      code: 0,
      stdout: 'created topic orders: 3 partition(s), replication factor 2\n',
      stderr: '',
    });
    const list = await cli(['topic', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^TOPIC\s+PARTITIONS\s+REPLICATION\norders\s+3\s+2\n$/);
    const described = await cli(['--json', 'topic', 'describe', 'orders']);
    const json = JSON.parse(described.stdout);
    expect(json.partitions).toHaveLength(3);
    expect(json.config).toEqual({ 'retention.ms': '1000' });
    const table = await cli(['topic', 'describe', 'orders']);
    expect(table.stdout).toContain('config:      retention.ms=1000');
    // The partition table (the replica table follows it): three partitions led by node 1.
    const partitionTable = table.stdout.split('\n\n')[1];
    expect(partitionTable.split('\n').filter((l) => /^\s+\d+\s+1\s/.test(l))).toHaveLength(3);
    expect((await cli(['topic', 'delete', 'orders'])).stdout).toBe('deleted topic orders\n');
    expect(cluster.topics.has('orders')).toBe(false);
  });

  it('topic alter adds partitions and reports the new count; a count not above the current one is refused naming it', async () => {
    cluster.createTopic('growing', 2);
    expect(await cli(['topic', 'alter', 'growing', '--partitions', '4'])).toEqual({
      code: 0,
      stdout: 'altered topic growing: 4 partition(s), replication factor 2\n',
      stderr: '',
    });
    expect(cluster.topics.get('growing')!.partitions).toHaveLength(4);
    const json = JSON.parse((await cli(['--json', 'topic', 'alter', 'growing', '-p', '5'])).stdout);
    expect(json.partitions).toHaveLength(5);
    const refused = await cli(['topic', 'alter', 'growing', '--partitions', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/currently has 5 partitions, which is higher than the requested 3/);
    const missing = await cli(['topic', 'alter', 'growing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--partitions N/);
    const unknown = await cli(['topic', 'alter', 'nope', '-p', '3']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown topic nope/);
  });

  it('produce writes the given values, then stdin lines with keys, and consume reads them back in order', async () => {
    cluster.createTopic('events', 1, 2);
    const args = await cli(['produce', '--topic', 'events', 'a', 'b']);
    expect(args.code).toBe(0);
    expect(args.stdout).toContain('wrote 2 record(s) to events');
    const piped = await cli(['produce', '-t', 'events', '--key-separator', ':', '--json'], 'k1:c\nk2:d\n');
    expect(JSON.parse(piped.stdout)).toEqual({ topic: 'events', count: 2, partitions: [{ partition: 0, firstOffset: 2, lastOffset: 3, count: 2 }] });
    const log = cluster.topics.get('events')!.partitions[0].log;
    expect(log.map((r) => [r.key?.toString() ?? null, r.value!.toString()])).toEqual([
      [null, 'a'],
      [null, 'b'],
      ['k1', 'c'],
      ['k2', 'd'],
    ]);
    expect((await cli(['consume', '-t', 'events'])).stdout).toBe('a\nb\nc\nd\n');
    expect((await cli(['consume', '-t', 'events', '-p', '0', '--offset', '2', '--print-offset', '--print-key'])).stdout).toBe('0:2\tk1\tc\n0:3\tk2\td\n');
    expect((await cli(['consume', '-t', 'events', '--max', '1', '--json'])).stdout).toMatch(/^\{"topic":"events","partition":0,"offset":0,.*"value":"a".*\}\n$/);
  });

  it('consume --follow stops after --max records, including ones written after it started', async () => {
    cluster.createTopic('live', 1, 1);
    cluster.appendValues('live', 0, ['old']);
    setTimeout(() => cluster.appendValues('live', 0, ['new1', 'new2', 'new3']), 100);
    const r = await cli(['consume', '-t', 'live', '--follow', '--max', '2']);
    expect(r).toEqual({ code: 0, stdout: 'new1\nnew2\n', stderr: '' });
  });

  it('cluster status lists every node and the metadata leader', async () => {
    const r = await cli(['cluster', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cluster:         fake-cluster');
    expect(r.stdout).toContain('2 of 2 alive');
    for (const address of cluster.addresses) expect(r.stdout).toContain(address);
    expect(r.stdout).toMatch(/\n\s*1\s+127\.0\.0\.1:\d+\s+yes\s+metadata leader/);
  });

  it("server errors exit 1 with the server's message and no stack trace", async () => {
    const r = await cli(['topic', 'describe', 'missing']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: unknown topic missing\n');
    cluster.createTopic('dup', 1);
    const dup = await cli(['topic', 'create', 'dup']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    expect(dup.stderr).not.toMatch(/\n\s+at /);
  });

  it('usage errors exit 1 and point at the command help', async () => {
    const r = await cli(['produce', 'x']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: --topic is required\nRun "flotilla produce --help" for usage.\n' });
    const unknown = await cli(['nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "nope"');
    expect((await cli(['consume', '--help'])).stdout).toContain('Usage: flotilla consume [options]');
  });

  it('an unreachable cluster is reported with a hint, not a stack trace', async () => {
    const r = await cli(['topic', 'list', '--brokers', '127.0.0.1:1', '--timeout', '1s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no broker answered within 1\.\d s .*127\.0\.0\.1:1.*\nIs the cluster running\?/);
  });
});
