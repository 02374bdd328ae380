import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoNode, demo, KvReplica } from './kv-replica';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('examples/kv-replica.ts', () => {
  const node = new DemoNode();
  beforeAll(() => node.start());
  afterAll(() => node.close());

  const expected = [['config:theme', 'dark'], ...Array.from({ length: 5 }, (_, k) => [`user:${k}`, `visits=${45 + k}`])];

  it('two instances share one table through a compacted topic, and a new one rebuilds it from the compacted log', async () => {
    const lines: string[] = [];
    const r = await demo(node.client, 'kv-demo', (l) => lines.push(l));
    expect(r.a).toEqual(expected);
    expect(r.b).toEqual(expected);
    expect(r.rebuilt).toEqual(expected);
    expect(r.compaction?.recordsRemoved, lines.join('\n')).toBeGreaterThan(0);
  });

  it('after the cluster restarts, a fresh instance rebuilds the same table (and goes on from there)', async () => {
    await node.stop();
    await node.start();
    const replica = new KvReplica(node.client, 'kv-demo');
    try {
      await replica.sync();
      expect(replica.entries()).toEqual(expected);
      await replica.delete('user:0');
      await replica.set('user:9', 'new');
      await replica.sync();
      expect(replica.get('user:0')).toBeUndefined();
      expect(replica.get('user:9')).toBe('new');
    } finally {
      await replica.close();
    }
  });

  it('runs as a script (npx tsx examples/kv-replica.ts) against a cluster it starts itself', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/kv-replica.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const table = (name: string) => run.stdout.split('\n').find((l) => l.startsWith(name))?.slice(name.length).trim();
    expect(JSON.parse(table('rebuilt:')!)).toEqual(expected);
    expect(table('instance b:')).toBe(table('instance a:'));
  });
});
