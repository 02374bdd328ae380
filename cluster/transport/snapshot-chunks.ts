import type { SnapshotChunk } from '../../proto/load';
import type { Message } from '../../raft';
import { decodeRaftFrame, encodeRaftFrame, MalformedFrameError } from './codec';

/**
 * How a Raft 'snapshot' message travels over the Peer service's SendSnapshot stream (peer.proto):
 * a sequence of SnapshotChunk messages, `offset` the byte position of `data` in the snapshot's
 * data, the last one flagged `last`. Every chunk repeats group, index and term (the snapshot's
 * metadata index and term), from and to. The first chunk alone carries `metadata`:
 *
 *   version u8 (= 1) | data length u48 big-endian | a raft frame (cluster/transport/codec.ts)
 *   holding the one snapshot message with EMPTY data
 *
 * so the receiver gets back the exact message (envelope term, from, to, metadata incl. the conf
 * state) and can allocate the data once. Both sides check everything against everything.
 */
export type SnapshotMessage = Extract<Message, { type: 'snapshot' }>;

export const SNAPSHOT_HEADER_VERSION = 1;
/** Bytes of snapshot data per chunk. */
export const DEFAULT_SNAPSHOT_CHUNK_BYTES = 1 << 20;
/** The largest snapshot a node accepts. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 1 << 30;
/** A header is a few dozen bytes (ids and numbers): anything near this is not a header. */
const MAX_HEADER_BYTES = 1 << 20;
const LENGTH_BYTES = 6;

/** A snapshot stream the receiver refuses; the message is what the SnapshotAck's `error` says. */
export class SnapshotStreamError extends Error {
  constructor(detail: string) {
    super(`snapshot stream refused: ${detail}`);
    this.name = 'SnapshotStreamError';
  }
}

/** The first chunk's `metadata`: the message without its data, and the data's length. */
export function encodeSnapshotHeader(group: number, message: SnapshotMessage): Buffer {
  const length = message.snapshot.data.length;
  const frame = encodeRaftFrame([{ group, message: { ...message, snapshot: { metadata: message.snapshot.metadata, data: new Uint8Array(0) } } }]);
  const out = Buffer.allocUnsafe(1 + LENGTH_BYTES + frame.length);
  out[0] = SNAPSHOT_HEADER_VERSION;
  out.writeUIntBE(length, 1, LENGTH_BYTES);
  frame.copy(out, 1 + LENGTH_BYTES);
  return out;
}

export function decodeSnapshotHeader(bytes: Uint8Array): { group: number; message: SnapshotMessage; length: number } {
  if (bytes.length < 1 + LENGTH_BYTES) throw new SnapshotStreamError(`the first chunk's metadata is ${bytes.length} bytes, too short for a snapshot header`);
  if (bytes.length > MAX_HEADER_BYTES) throw new SnapshotStreamError(`the first chunk's metadata is ${bytes.length} bytes, too long for a snapshot header`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] !== SNAPSHOT_HEADER_VERSION) {
    throw new SnapshotStreamError(`snapshot header version ${buf[0]}, this node reads version ${SNAPSHOT_HEADER_VERSION} (the peer runs an incompatible version)`);
  }
  const length = buf.readUIntBE(1, LENGTH_BYTES);
  let decoded;
  try {
    decoded = decodeRaftFrame(buf.subarray(1 + LENGTH_BYTES));
  } catch (e) {
    if (e instanceof MalformedFrameError) throw new SnapshotStreamError(`bad snapshot header: ${e.message}`);
    throw e;
  }
  if (decoded.length !== 1) throw new SnapshotStreamError(`the snapshot header holds ${decoded.length} messages, not 1`);
  const { group, message } = decoded[0];
  if (message.type !== 'snapshot') throw new SnapshotStreamError(`the snapshot header holds a '${message.type}' message`);
  if (message.snapshot.data.length !== 0) throw new SnapshotStreamError('the snapshot header carries data (data goes in the chunks)');
  return { group, message, length };
}

/**
 * The chunks of one snapshot message, lazily: `data` of each is a view of the snapshot's data, so
 * chunking copies nothing. An empty snapshot is one chunk (metadata, no data, last).
 */
export function* snapshotChunks(group: number, message: SnapshotMessage, chunkBytes = DEFAULT_SNAPSHOT_CHUNK_BYTES): Generator<SnapshotChunk> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`snapshot chunk size ${chunkBytes} is not a positive integer`);
  const { data, metadata: md } = message.snapshot;
  const header = encodeSnapshotHeader(group, message);
  const none = Buffer.alloc(0);
  let offset = 0;
  do {
    const end = Math.min(data.length, offset + chunkBytes);
    yield {
      group,
      index: md.index,
      term: md.term,
      offset,
      data: Buffer.from(data.buffer, data.byteOffset + offset, end - offset),
      last: end === data.length,
      metadata: offset === 0 ? header : none,
      from: message.from,
      to: message.to,
    };
    offset = end;
  } while (offset < data.length);
}

/**
 * Rebuilds one snapshot message from its chunks, refusing (SnapshotStreamError) anything but a
 * well-formed stream: header first and only first, contiguous offsets, the same group, index,
 * term, from and to on every chunk, no more data than the header announced or than `maxBytes`,
 * nothing after the last chunk, and all the data by then.
 */
export class SnapshotAssembler {
  private header: { group: number; message: SnapshotMessage; length: number } | undefined;
  private data: Uint8Array | undefined;
  private received = 0;
  private complete = false;

  constructor(private readonly maxBytes = DEFAULT_MAX_SNAPSHOT_BYTES) {}

  /** Take one chunk. Throws SnapshotStreamError if the stream is malformed. */
  push(chunk: SnapshotChunk): void {
    if (this.complete) throw new SnapshotStreamError('a chunk came after the last one');
    const meta = chunk.metadata ?? Buffer.alloc(0);
    const data = chunk.data ?? Buffer.alloc(0);
    let h = this.header;
    if (!h) {
      if (chunk.offset !== 0) throw new SnapshotStreamError(`the first chunk is at offset ${chunk.offset}, not 0`);
      if (meta.length === 0) throw new SnapshotStreamError('the first chunk carries no metadata');
      h = decodeSnapshotHeader(meta);
      const md = h.message.snapshot.metadata;
      if (h.group !== chunk.group) throw new SnapshotStreamError(`the header is for group ${h.group}, the chunk for group ${chunk.group}`);
      if (md.index !== chunk.index || md.term !== chunk.term) {
        throw new SnapshotStreamError(`the header's snapshot is at index ${md.index} term ${md.term}, the chunk says index ${chunk.index} term ${chunk.term}`);
      }
      if (h.message.from !== chunk.from || h.message.to !== chunk.to) {
        throw new SnapshotStreamError(`the header is from ${h.message.from} to ${h.message.to}, the chunk from ${chunk.from} to ${chunk.to}`);
      }
      if (h.length > this.maxBytes) throw new SnapshotStreamError(`the snapshot is ${h.length} bytes, more than the ${this.maxBytes} this node accepts`);
      this.header = h;
      this.data = new Uint8Array(h.length);
    } else {
      if (meta.length !== 0) throw new SnapshotStreamError(`the chunk at offset ${chunk.offset} carries metadata again`);
      const first = h.message;
      if (chunk.group !== h.group || chunk.index !== first.snapshot.metadata.index || chunk.term !== first.snapshot.metadata.term) {
        throw new SnapshotStreamError(
          `the chunk at offset ${chunk.offset} is for group ${chunk.group} index ${chunk.index} term ${chunk.term}; the stream began with group ${h.group} index ${first.snapshot.metadata.index} term ${first.snapshot.metadata.term}`,
        );
      }
      if (chunk.from !== first.from || chunk.to !== first.to) {
        throw new SnapshotStreamError(`the chunk at offset ${chunk.offset} is from ${chunk.from} to ${chunk.to}; the stream began from ${first.from} to ${first.to}`);
      }
    }
    if (chunk.offset !== this.received) throw new SnapshotStreamError(`a chunk at offset ${chunk.offset} where ${this.received} was due (chunks must be contiguous)`);
    if (this.received + data.length > h.length) {
      throw new SnapshotStreamError(`${this.received + data.length} bytes of data, more than the ${h.length} the header announced`);
    }
    this.data!.set(data, this.received);
    this.received += data.length;
    if (chunk.last) {
      if (this.received !== h.length) throw new SnapshotStreamError(`the last chunk ends at ${this.received} bytes; the header announced ${h.length}`);
      this.complete = true;
    }
  }

  /** The rebuilt message, once the last chunk is in. Throws SnapshotStreamError on a stream cut short. */
  finish(): { group: number; message: SnapshotMessage } {
    const h = this.header;
    if (!h) throw new SnapshotStreamError('the stream ended without any chunk');
    if (!this.complete) throw new SnapshotStreamError(`the stream ended after ${this.received} of ${h.length} bytes, without its last chunk`);
    const message: SnapshotMessage = { ...h.message, snapshot: { metadata: h.message.snapshot.metadata, data: this.data! } };
    return { group: h.group, message };
  }
}
