import { describe, expect, it } from 'vitest';
import { findCommand, intOption, keyValues, parseBrokers, parseCommand, UsageError } from './args';
import { COMMANDS } from './commands';
import { formatFields, formatJson, formatTable, summarizeWrites } from './format';
import { devClusterLayout } from './dev-cluster';
import { parsePeers, startOptions } from './start';

const spec = (name: string) => COMMANDS.find((c) => c.name === name)!;

describe('command lookup', () => {
  it('the longest matching command wins, and global options may precede it', () => {
    const r = findCommand(['--brokers', 'h:1', '--json', 'topic', 'create', 'orders', '-p', '3'], COMMANDS);
    expect(r.command?.name).toBe('topic create');
    expect(r.words).toEqual(['topic', 'create']);
    expect(r.rest).toEqual(['--brokers', 'h:1', '--json', 'orders', '-p', '3']);
    expect(findCommand(['topic'], COMMANDS).command).toBeUndefined();
    expect(findCommand(['frobnicate'], COMMANDS).command).toBeUndefined();
  });
});

describe('argument parsing', () => {
  it('options, repeatable options and positionals are parsed, and --brokers beats FLOTILLA_BROKERS', () => {
    const p = parseCommand(spec('produce'), ['-t', 'orders', '-H', 'a=1', '-H', 'b=2', 'v1', 'v2', '--brokers', 'x:1,y:2'], {
      FLOTILLA_BROKERS: 'env:9',
    });
    expect(p.values.topic).toBe('orders');
    expect(keyValues(p.values, 'header', 'produce')).toEqual({ a: '1', b: '2' });
    expect(p.positionals).toEqual(['v1', 'v2']);
    expect(p.brokers).toEqual(['x:1', 'y:2']);
    expect(parseCommand(spec('topic list'), [], { FLOTILLA_BROKERS: 'env:9' }).brokers).toEqual(['env:9']);
    expect(parseCommand(spec('topic list'), [], {}).brokers).toEqual(['127.0.0.1:7001']);
  });

  it('unknown options and malformed values are usage errors naming the command', () => {
    const unknown = (() => {
      try {
        parseCommand(spec('topic list'), ['--nope'], {});
      } catch (e) {
        return e;
      }
    })();
    expect(unknown).toBeInstanceOf(UsageError);
    expect((unknown as UsageError).command).toBe('topic list');
    expect((unknown as UsageError).message).toContain('--nope');
    expect(() => parseBrokers('localhost')).toThrow(/not host:port/);
    expect(() => parseBrokers('h:99999')).toThrow(/not host:port/);
    expect(() => keyValues({ config: ['novalue'] }, 'config', 'topic create')).toThrow(/key=value/);
  });

  it('integer options are checked against their range', () => {
    expect(intOption({ partitions: '12' }, 'partitions', 'x', { min: 1 })).toBe(12);
    expect(intOption({}, 'partitions', 'x')).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'ten', '', '1e3x']) {
      expect(() => intOption({ partitions: bad }, 'partitions', 'x', { min: 1, max: 100 })).toThrow(UsageError);
    }
  });
});

describe('output formatting', () => {
  it('tables align columns, right-align numeric ones and trim trailing spaces', () => {
    const out = formatTable(['topic', 'partitions'], [
      ['orders', 12],
      ['a', 3],
    ]);
    expect(out).toBe(['TOPIC   PARTITIONS', 'orders          12', 'a                3', ''].join('\n'));
  });

  it('missing cells print as "-" and booleans as yes/no', () => {
    expect(formatTable(['a', 'b'], [[undefined, true]])).toBe('A  B\n-  yes\n');
    expect(formatFields([['x', 1], ['long', null]])).toBe('x:    1\nlong: -\n');
  });

  it('JSON output prints buffers as text', () => {
    expect(formatJson({ v: Buffer.from('hi') })).toBe('{\n  "v": "hi"\n}\n');
  });

  it('a produce summary has one offset range per partition', () => {
    expect(
      summarizeWrites([
        { partition: 1, offset: 5 },
        { partition: 0, offset: 2 },
        { partition: 1, offset: 6 },
      ]),
    ).toEqual([
      { partition: 0, firstOffset: 2, lastOffset: 2, count: 1 },
      { partition: 1, firstOffset: 5, lastOffset: 6, count: 2 },
    ]);
  });
});

describe('start and dev-cluster options', () => {
  it('start defaults to a single-node cluster on 127.0.0.1:7001 with data in ./data', () => {
    const o = startOptions({}, '/srv');
    expect(o).toEqual({
      nodeId: 1,
      dataDir: '/srv/data',
      host: '127.0.0.1',
      clientPort: 7001,
      peerPort: 7101,
      advertisedAddress: '127.0.0.1:7001',
      peers: [{ id: 1, address: '127.0.0.1:7101' }],
    });
  });

  it('--peers must name this node, once, with ID=HOST:PORT entries', () => {
    expect(parsePeers('1=a:1, 2=b:2')).toEqual([
      { id: 1, address: 'a:1' },
      { id: 2, address: 'b:2' },
    ]);
    expect(() => parsePeers('1=a:1,1=b:2')).toThrow(/twice/);
    expect(() => parsePeers('x=a:1')).toThrow(/ID=HOST:PORT/);
    expect(() => startOptions({ 'node-id': '3', peers: '1=a:1,2=b:2' }, '/')).toThrow(/must include this node/);
    expect(() => startOptions({ port: '7001', 'peer-port': '7001' }, '/')).toThrow(/differ/);
  });

  it('a dev cluster gives every node its own address and data dir, and all of them the same peer list', () => {
    const linux = devClusterLayout({ nodes: 3, dataDir: 'd', port: 7001, sameHost: false }, '/w');
    expect(linux.map((n) => `${n.host}:${n.port}/${n.peerPort}`)).toEqual(['127.0.0.1:7001/7101', '127.0.0.2:7001/7101', '127.0.0.3:7001/7101']);
    expect(linux.map((n) => n.dataDir)).toEqual(['/w/d/node-1', '/w/d/node-2', '/w/d/node-3']);
    const peers = linux.map((n) => n.args[n.args.indexOf('--peers') + 1]);
    expect(new Set(peers).size).toBe(1);
    expect(peers[0]).toBe('1=127.0.0.1:7101,2=127.0.0.2:7101,3=127.0.0.3:7101');
    const same = devClusterLayout({ nodes: 2, dataDir: 'd', port: 8000, sameHost: true }, '/w');
    expect(same.map((n) => `${n.host}:${n.port}/${n.peerPort}`)).toEqual(['127.0.0.1:8000/8100', '127.0.0.1:8001/8101']);
    // Each node's arguments parse back into the options that layout promised.
    const parsed = startOptions(parseCommand(spec('start'), linux[1].args.slice(1), {}).values, '/');
    expect(parsed).toMatchObject({ nodeId: 2, host: '127.0.0.2', clientPort: 7001, peerPort: 7101, dataDir: '/w/d/node-2' });
  });
});
