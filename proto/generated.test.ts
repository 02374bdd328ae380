import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateTypes, generatorFlags } from './generate';
import { FLOTILLA_PROTO_PATH, PEER_PROTO_PATH, PROTO_LOADER_OPTIONS, type ProduceRequest, type ProduceStreamRequest, type SnapshotChunk } from './load';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('the generated proto types', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-proto-types-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('are what npm run proto:gen makes from the protos today: the committed files, no more, no fewer', () => {
    generateTypes(scratch);
    const fresh = files(scratch);
    const committed = files(GENERATED_DIR);
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [name, text] of fresh) expect(committed.get(name), `${name} differs: run npm run proto:gen`).toBe(text);
  });

  it('are generated with the conversions the loader uses', () => {
    expect(generatorFlags(PROTO_LOADER_OPTIONS)).toEqual(['--defaults', '--enums=String', '--longs=Number', '--oneofs']);
    expect(() => generatorFlags({ ...PROTO_LOADER_OPTIONS, includeDirs: ['x'] })).toThrow(/includeDirs has no proto-loader-gen-types flag/);
  });
});

describe('what grpc-js hands over is what the generated types say', () => {
  const flotilla = protoLoader.loadSync(FLOTILLA_PROTO_PATH, PROTO_LOADER_OPTIONS);
  const peer = protoLoader.loadSync(PEER_PROTO_PATH, PROTO_LOADER_OPTIONS);
  const method = (pkg: protoLoader.PackageDefinition, service: string, name: string) =>
    (pkg[`flotilla.v1.${service}`] as protoLoader.ServiceDefinition)[name] as protoLoader.MethodDefinition<object, object>;
  /** Serialized as a sender would, decoded as a receiving server is handed it. */
  const received = <T>(pkg: protoLoader.PackageDefinition, service: string, name: string, message: object): T =>
    method(pkg, service, name).requestDeserialize(method(pkg, service, name).requestSerialize(message)) as T;

  it('64-bit integers are numbers, bytes are Buffers, enums are names, and unset scalars are their defaults', () => {
    const r = received<ProduceRequest>(flotilla, 'Flotilla', 'Produce', {
      topic: 't',
      recordBatch: Buffer.from('batch'),
      acks: 'ACKS_LEADER',
      expectedOffset: 2 ** 52,
    });
    expect(Buffer.isBuffer(r.recordBatch)).toBe(true);
    expect(r.recordBatch.toString()).toBe('batch');
    expect(r.acks).toBe('ACKS_LEADER');
    expect(r.expectedOffset).toBe(2 ** 52);
    expect(r.partition).toBe(0);
    const answer = method(flotilla, 'Flotilla', 'Produce').responseDeserialize(
      method(flotilla, 'Flotilla', 'Produce').responseSerialize({ baseOffset: 2 ** 50, lastOffset: 2 ** 50, logAppendTimeMs: -1, duplicate: false }),
    ) as { logAppendTimeMs: number; baseOffset: number };
    expect([answer.baseOffset, answer.logAppendTimeMs]).toEqual([2 ** 50, -1]);
  });

  it('an unset proto3 optional field is absent, not defaulted; unset bytes are an empty Buffer', () => {
    const r = received<ProduceRequest>(flotilla, 'Flotilla', 'Produce', { topic: 't' });
    expect('expectedOffset' in r).toBe(false);
    expect(r.expectedOffset).toBeUndefined();
    expect(Buffer.isBuffer(r.recordBatch) && r.recordBatch.length).toBe(0);
    expect(r.acks).toBe('ACKS_ALL');
  });

  it('an unset message field is null (so a ProduceStream message may come without its request)', () => {
    const m = received<ProduceStreamRequest>(flotilla, 'Flotilla', 'ProduceStream', { correlationId: 7 });
    expect(m).toEqual({ correlationId: 7, request: null });
  });

  it("peer.proto's uint64s are numbers and bytes Buffers too", () => {
    const c = received<SnapshotChunk>(peer, 'Peer', 'SendSnapshot', { group: 3, index: 2 ** 50, data: Buffer.from([1]) });
    expect([c.group, c.index, c.offset]).toEqual([3, 2 ** 50, 0]);
    expect(Buffer.isBuffer(c.data) && Buffer.isBuffer(c.metadata)).toBe(true);
  });
});
