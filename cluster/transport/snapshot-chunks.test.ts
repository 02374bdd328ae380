import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { SnapshotAck, SnapshotChunk } from '../../proto/load';
import type { Message } from '../../raft';
import { raftFrameCodec } from './codec';
import { type PeerClientLike, PeerTransport } from './peer-transport';
import {
  DEFAULT_SNAPSHOT_CHUNK_BYTES,
  encodeSnapshotHeader,
  SnapshotAssembler,
  type SnapshotMessage,
  SnapshotStreamError,
  snapshotChunks,
} from './snapshot-chunks';
import { serveSnapshots } from './snapshot-receiver';

const MiB = 1 << 20;

function snapshotMessage(size: number, over: Partial<SnapshotMessage> = {}): SnapshotMessage {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return {
    type: 'snapshot',
    from: 1,
    to: 2,
    term: 7,
    snapshot: { metadata: { index: 1234, term: 5, conf: { voters: [1, 2, 3], learners: [4] } }, data },
    ...over,
  };
}

/** Deep equality, with the (large) data compared as bytes: vitest's toEqual walks arrays element by element. */
function expectSame(actual: SnapshotMessage, want: SnapshotMessage): void {
  const strip = (m: SnapshotMessage) => ({ ...m, snapshot: { ...m.snapshot, data: m.snapshot.data.length } });
  expect(strip(actual)).toEqual(strip(want));
  expect(Buffer.from(actual.snapshot.data).equals(Buffer.from(want.snapshot.data))).toBe(true);
}

function reassemble(chunks: Iterable<SnapshotChunk>, maxBytes?: number) {
  const a = new SnapshotAssembler(maxBytes);
  for (const c of chunks) a.push(c);
  return a.finish();
}

function refusal(chunks: Iterable<SnapshotChunk>, maxBytes?: number): string {
  try {
    reassemble(chunks, maxBytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SnapshotStreamError);
    return (e as Error).message;
  }
  throw new Error('the stream was accepted');
}

describe('snapshot chunking and reassembly', () => {
  it('splits a snapshot bigger than one chunk into contiguous 1 MiB chunks and rebuilds the exact message', () => {
    const m = snapshotMessage(2.5 * MiB);
    const chunks = [...snapshotChunks(42, m)];
    expect(chunks.map((c) => [c.offset, c.data.length, c.last])).toEqual([
      [0, MiB, false],
      [MiB, MiB, false],
      [2 * MiB, 0.5 * MiB, true],
    ]);
    expect(chunks[0].metadata.length).toBeGreaterThan(0);
    expect(chunks.slice(1).every((c) => c.metadata.length === 0)).toBe(true);
    for (const c of chunks) expect([c.group, c.index, c.term, c.from, c.to]).toEqual([42, 1234, 5, 1, 2]);
    const { group, message } = reassemble(chunks);
    expect(group).toBe(42);
    expectSame(message, m);
  });

  it('chunking copies nothing, and a multiple of the chunk size has no empty tail chunk', () => {
    const m = snapshotMessage(2 * 1000);
    const chunks = [...snapshotChunks(1, m, 1000)];
    expect(chunks.map((c) => [c.offset, c.last])).toEqual([
      [0, false],
      [1000, true],
    ]);
    expect(chunks[1].data.buffer).toBe(m.snapshot.data.buffer);
    expect(reassemble(chunks).message).toEqual(m);
  });

  it('an empty snapshot is one chunk', () => {
    const m = snapshotMessage(0, { term: 3 });
    const chunks = [...snapshotChunks(0, m)];
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ offset: 0, last: true });
    expect(reassemble(chunks)).toEqual({ group: 0, message: m });
  });

  it('keeps large numbers and big groups exact', () => {
    const m = snapshotMessage(10, { term: 2 ** 40, from: 0xfffffffe, to: 3 });
    const big: SnapshotMessage = { ...m, snapshot: { ...m.snapshot, metadata: { index: 2 ** 52, term: 2 ** 39, conf: { voters: [0xfffffffe, 3], learners: [] } } } };
    expect(reassemble(snapshotChunks(0xffffffff, big, 3))).toEqual({ group: 0xffffffff, message: big });
  });

  describe('refuses malformed streams', () => {
    const m = snapshotMessage(10_000);
    const good = () => [...snapshotChunks(9, m, 4000)].map((c) => ({ ...c }));

    it('a gap or a reordering in the offsets', () => {
      const c = good();
      expect(refusal([c[0], c[2]])).toMatch(/offset 8000 where 4000 was due/);
      expect(refusal([c[0], c[0]])).toMatch(/carries metadata again/);
      expect(refusal([c[1], c[0]])).toMatch(/first chunk is at offset 4000/);
    });

    it('a chunk for another group, index, term or pair of nodes', () => {
      let c = good();
      c[1].group = 10;
      expect(refusal(c)).toMatch(/group 10 index 1234 term 5; the stream began with group 9/);
      c = good();
      c[2].index = 1235;
      expect(refusal(c)).toMatch(/index 1235/);
      c = good();
      c[2].term = 6;
      expect(refusal(c)).toMatch(/term 6/);
      c = good();
      c[1].from = 3;
      expect(refusal(c)).toMatch(/from 3 to 2/);
      c = good();
      c[0].group = 8;
      expect(refusal(c)).toMatch(/header is for group 9, the chunk for group 8/);
      c = good();
      c[0].index = 1;
      expect(refusal(c)).toMatch(/index 1234 term 5, the chunk says index 1 term 5/);
    });

    it('missing, garbled or foreign metadata', () => {
      let c = good();
      c[0].metadata = Buffer.alloc(0);
      expect(refusal(c)).toMatch(/first chunk carries no metadata/);
      c = good();
      c[0].metadata = Buffer.from([1, 0, 0, 0, 0, 0, 0, 9, 9, 9]);
      expect(refusal(c)).toMatch(/bad snapshot header: malformed raft frame/);
      c = good();
      c[0].metadata = Buffer.concat([Buffer.from([2]), c[0].metadata.subarray(1)]);
      expect(refusal(c)).toMatch(/header version 2/);
      c = good();
      const append: Message = { type: 'append', from: 1, to: 2, term: 7, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 };
      const frame = Buffer.from(raftFrameCodec.encode([{ group: 9, message: append }]));
      c[0].metadata = Buffer.concat([c[0].metadata.subarray(0, 7), frame]);
      expect(refusal(c)).toMatch(/holds a 'append' message/);
    });

    it('more data than announced, a short last chunk, a chunk after the last, a cut-off stream', () => {
      let c = good();
      c[2].data = Buffer.alloc(2001);
      expect(refusal(c)).toMatch(/10001 bytes of data, more than the 10000 the header announced/);
      c = good();
      c[1].last = true;
      expect(refusal(c)).toMatch(/last chunk ends at 8000 bytes; the header announced 10000/);
      c = good();
      expect(refusal([...c, { ...c[2], offset: 10_000, data: Buffer.alloc(0), metadata: Buffer.alloc(0) }])).toMatch(/after the last one/);
      expect(refusal(c.slice(0, 2))).toMatch(/ended after 8000 of 10000 bytes, without its last chunk/);
      expect(refusal([])).toMatch(/ended without any chunk/);
    });

    it('a snapshot over the size cap, before any data is allocated', () => {
      expect(refusal(good(), 9999)).toMatch(/10000 bytes, more than the 9999 this node accepts/);
      const header = encodeSnapshotHeader(9, m);
      expect(header.readUIntBE(1, 6)).toBe(10_000);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The receiving handler, without a network.

function fakeServerCall() {
  const call = new EventEmitter() as EventEmitter & grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>;
  return call;
}

describe('serveSnapshots', () => {
  it('delivers a reassembled snapshot and answers ok; refuses a malformed stream at once', () => {
    const delivered: Array<{ group: number; message: SnapshotMessage }> = [];
    const handler = serveSnapshots((group, message) => {
      delivered.push({ group, message });
      return group === 99 ? 'group 99 is not hosted on this node' : undefined;
    });
    const m = snapshotMessage(3 * MiB + 1);

    let call = fakeServerCall();
    const acks: Array<SnapshotAck | null | undefined> = [];
    handler(call, (err, ack) => acks.push(err ? { ok: false, error: `grpc error ${String(err)}` } : ack));
    for (const c of snapshotChunks(5, m)) call.emit('data', c);
    call.emit('end');
    expect(acks).toEqual([{ ok: true, error: '' }]);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].group).toBe(5);
    expectSame(delivered[0].message, m);

    call = fakeServerCall();
    handler(call, (_err, ack) => acks.push(ack));
    const chunks = [...snapshotChunks(5, m)];
    call.emit('data', chunks[0]);
    call.emit('data', chunks[2]); // a gap: refused at once
    expect(acks[1]).toMatchObject({ ok: false, error: expect.stringMatching(/snapshot stream refused: a chunk at offset 2097152 where 1048576 was due/) });
    call.emit('data', chunks[3]);
    call.emit('end');
    expect(acks).toHaveLength(2);
    expect(delivered).toHaveLength(1);

    call = fakeServerCall();
    handler(call, (_err, ack) => acks.push(ack));
    for (const c of snapshotChunks(99, snapshotMessage(10))) call.emit('data', c);
    call.emit('end');
    expect(acks[2]).toEqual({ ok: false, error: 'snapshot of group 99 not delivered: group 99 is not hosted on this node' });
  });
});

// ---------------------------------------------------------------------------------------------
// The sending side, with a fake Peer client.

interface FakeCall {
  group?: number;
  chunks: SnapshotChunk[];
  ended: boolean;
  cancelled: boolean;
  answer: (err: Error | null, ack?: SnapshotAck) => void;
  emitter: EventEmitter;
}

function fakeClient(writeOk: (call: FakeCall) => boolean = () => true) {
  const frames: Array<{ group: number; message: Message }[]> = [];
  const calls: FakeCall[] = [];
  const client = {
    raft: () => {
      const s = new EventEmitter() as EventEmitter & { write: (f: { payload: Buffer }) => boolean; end: () => void };
      s.write = (f) => {
        frames.push(raftFrameCodec.decode(f.payload));
        return true;
      };
      s.end = () => undefined;
      return s;
    },
    sendSnapshot: (_md: grpc.Metadata, _opts: Partial<grpc.CallOptions>, callback: grpc.requestCallback<SnapshotAck>) => {
      const emitter = new EventEmitter();
      const call: FakeCall = {
        chunks: [],
        ended: false,
        cancelled: false,
        emitter,
        answer: (err, ack) => callback(err as grpc.ServiceError | null, ack),
      };
      calls.push(call);
      return Object.assign(emitter, {
        write: (c: SnapshotChunk) => {
          call.group = c.group;
          call.chunks.push(c);
          return writeOk(call);
        },
        end: () => {
          call.ended = true;
        },
        cancel: () => {
          call.cancelled = true;
        },
      });
    },
    close: () => undefined,
  } as unknown as PeerClientLike;
  return { client, frames, calls };
}

function transportWith(client: PeerClientLike, chunkBytes?: number) {
  const done: Array<[number, number, boolean]> = [];
  const t = new PeerTransport({
    self: 1,
    peers: new Map([
      [1, 'a'],
      [2, 'b'],
    ]),
    codec: raftFrameCodec,
    newClient: () => client,
    unreachable: () => undefined,
    snapshotDone: (peer, group, ok) => done.push([peer, group, ok]),
    snapshotChunkBytes: chunkBytes,
  });
  return { t, done };
}

describe('PeerTransport snapshot sending', () => {
  const heartbeat: Message = { type: 'heartbeat', from: 1, to: 2, term: 7, commit: 0, readRound: 0 };

  it('streams a snapshot over SendSnapshot, never in a Raft frame, and reports the ack', () => {
    const { client, frames, calls } = fakeClient();
    const { t, done } = transportWith(client);
    const m = snapshotMessage(2 * MiB + 5);
    t.send(3, heartbeat);
    t.send(3, m);
    t.flush();
    expect(frames).toEqual([[{ group: 3, message: heartbeat }]]);
    expect(calls).toHaveLength(1);
    expect(calls[0].chunks.map((c) => c.offset)).toEqual([0, MiB, 2 * MiB]);
    expect(calls[0].ended).toBe(true);
    const rebuilt = reassemble(calls[0].chunks);
    expect(rebuilt.group).toBe(3);
    expectSame(rebuilt.message, m);
    expect(done).toEqual([]);
    calls[0].answer(null, { ok: true, error: '' });
    expect(done).toEqual([[2, 3, true]]);
    t.close();
  });

  it('keeps at most one snapshot in flight per group; a refusal or an error reports failure', () => {
    const { client, calls } = fakeClient();
    const { t, done } = transportWith(client, DEFAULT_SNAPSHOT_CHUNK_BYTES);
    t.send(3, snapshotMessage(10));
    t.send(4, snapshotMessage(10));
    t.flush();
    t.send(3, snapshotMessage(20)); // group 3 already has one in flight: dropped
    t.flush();
    expect(calls.map((c) => c.group)).toEqual([3, 4]);
    calls[0].answer(null, { ok: false, error: 'snapshot stream refused: whatever' });
    calls[1].answer(Object.assign(new Error('unavailable'), { code: 14 }));
    expect(done).toEqual([
      [2, 3, false],
      [2, 4, false],
    ]);
    t.send(3, snapshotMessage(20)); // the previous one is over: this one goes
    t.flush();
    expect(calls.map((c) => c.group)).toEqual([3, 4, 3]);
    t.close();
    expect(calls[2].cancelled).toBe(true);
    calls[2].answer(Object.assign(new Error('cancelled'), { code: 1 }));
    expect(done).toHaveLength(2); // nothing reported after close
  });

  it('writes chunks only as the call drains, and stops writing once the call is answered', () => {
    const { client, calls } = fakeClient(() => false); // every write fills the buffer
    const { t } = transportWith(client, 100);
    t.send(3, snapshotMessage(1000));
    t.flush();
    expect(calls[0].chunks).toHaveLength(1);
    calls[0].emitter.emit('drain');
    calls[0].emitter.emit('drain');
    expect(calls[0].chunks).toHaveLength(3);
    calls[0].answer(null, { ok: false, error: 'refused' });
    calls[0].emitter.emit('drain');
    expect(calls[0].chunks).toHaveLength(3);
    expect(calls[0].ended).toBe(false);
    t.close();
  });
});
