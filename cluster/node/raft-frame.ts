import type { ConfState, Entry, Message } from '../../raft';
import type { RaftEnvelope } from './peer-transport';

/**
 * Binary encoding of a batch of Raft messages of many groups: what one peer sends another in one
 * frame. Big-endian, versioned. An idle group's heartbeat costs 38 bytes; an append's entries are
 * copied once into the frame. Entry indexes are implicit (prevIndex + 1 + i).
 *
 * frame    := version:u8 count:u32 envelope*
 * envelope := group:u32 type:u8 from:u32 to:u32 term:u64 body
 */
const VERSION = 1;
const TYPES = [
  'append',
  'appendResponse',
  'vote',
  'preVote',
  'voteResponse',
  'preVoteResponse',
  'heartbeat',
  'heartbeatResponse',
  'snapshot',
  'timeoutNow',
] as const satisfies ReadonlyArray<Message['type']>;
const TYPE_CODE = new Map<string, number>(TYPES.map((t, i) => [t, i]));

class Writer {
  readonly buf: Buffer;
  at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  u8(n: number): void {
    this.buf[this.at++] = n;
  }
  u16(n: number): void {
    this.buf.writeUInt16BE(n, this.at);
    this.at += 2;
  }
  u32(n: number): void {
    this.buf.writeUInt32BE(n, this.at);
    this.at += 4;
  }
  u64(n: number): void {
    this.buf.writeUInt32BE(Math.floor(n / 0x1_0000_0000), this.at);
    this.buf.writeUInt32BE(n >>> 0, this.at + 4);
    this.at += 8;
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  ids(ids: readonly number[]): void {
    this.u16(ids.length);
    for (const id of ids) this.u32(id);
  }
}

class Reader {
  at = 0;
  constructor(readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new RangeError(`raft frame truncated at byte ${this.at}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.buf.readUInt32BE(this.at) * 0x1_0000_0000 + this.buf.readUInt32BE(this.at + 4);
    this.at += 8;
    return v;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
  ids(): number[] {
    const n = this.u16();
    return Array.from({ length: n }, () => this.u32());
  }
}

function bodySize(m: Message): number {
  switch (m.type) {
    case 'append':
      return 28 + m.entries.reduce((n, e) => n + 13 + e.data.length, 0);
    case 'appendResponse':
      return 25;
    case 'vote':
    case 'preVote':
      return 17;
    case 'voteResponse':
    case 'preVoteResponse':
      return 1;
    case 'heartbeat':
      return 16;
    case 'heartbeatResponse':
      return 8;
    case 'snapshot': {
      const c = m.snapshot.metadata.conf;
      return 16 + 4 + 4 * (c.voters.length + c.learners.length) + 4 + m.snapshot.data.length;
    }
    case 'timeoutNow':
      return 0;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

export function encodeBatch(batch: readonly RaftEnvelope[]): Uint8Array {
  let size = 5;
  for (const { message } of batch) size += 21 + bodySize(message);
  const w = new Writer(size);
  w.u8(VERSION);
  w.u32(batch.length);
  for (const { group, message: m } of batch) {
    w.u32(group);
    w.u8(TYPE_CODE.get(m.type)!);
    w.u32(m.from);
    w.u32(m.to);
    w.u64(m.term);
    switch (m.type) {
      case 'append':
        w.u64(m.prevIndex);
        w.u64(m.prevTerm);
        w.u64(m.commit);
        w.u32(m.entries.length);
        for (const e of m.entries) {
          w.u64(e.term);
          w.u8(e.type);
          w.bytes(e.data);
        }
        break;
      case 'appendResponse':
        w.u64(m.index);
        w.u8(m.reject ? 1 : 0);
        w.u64(m.rejectHint);
        w.u64(m.hintTerm);
        break;
      case 'vote':
      case 'preVote':
        w.u64(m.lastIndex);
        w.u64(m.lastTerm);
        w.u8(m.transfer ? 1 : 0);
        break;
      case 'voteResponse':
      case 'preVoteResponse':
        w.u8(m.reject ? 1 : 0);
        break;
      case 'heartbeat':
        w.u64(m.commit);
        w.u64(m.readRound);
        break;
      case 'heartbeatResponse':
        w.u64(m.readRound);
        break;
      case 'snapshot': {
        const md = m.snapshot.metadata;
        w.u64(md.index);
        w.u64(md.term);
        w.ids(md.conf.voters);
        w.ids(md.conf.learners);
        w.bytes(m.snapshot.data);
        break;
      }
      case 'timeoutNow':
        break;
    }
  }
  if (w.at !== size) throw new Error(`raft codec: wrote ${w.at} bytes, sized ${size}`);
  return w.buf;
}

export function decodeBatch(bytes: Uint8Array): RaftEnvelope[] {
  const r = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const version = r.u8();
  if (version !== VERSION) throw new Error(`raft frame version ${version} is not supported (expected ${VERSION})`);
  const count = r.u32();
  const out: RaftEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const group = r.u32();
    const code = r.u8();
    const type = TYPES[code];
    if (type === undefined) throw new Error(`raft frame: unknown message type ${code}`);
    const env = { from: r.u32(), to: r.u32(), term: r.u64() };
    let message: Message;
    switch (type) {
      case 'append': {
        const prevIndex = r.u64();
        const prevTerm = r.u64();
        const commit = r.u64();
        const n = r.u32();
        const entries: Entry[] = [];
        for (let k = 0; k < n; k++) entries.push({ index: prevIndex + 1 + k, term: r.u64(), type: r.u8(), data: r.bytes() });
        message = { type, ...env, prevIndex, prevTerm, commit, entries };
        break;
      }
      case 'appendResponse':
        message = { type, ...env, index: r.u64(), reject: r.u8() === 1, rejectHint: r.u64(), hintTerm: r.u64() };
        break;
      case 'vote':
      case 'preVote':
        message = { type, ...env, lastIndex: r.u64(), lastTerm: r.u64(), transfer: r.u8() === 1 };
        break;
      case 'voteResponse':
      case 'preVoteResponse':
        message = { type, ...env, reject: r.u8() === 1 };
        break;
      case 'heartbeat':
        message = { type, ...env, commit: r.u64(), readRound: r.u64() };
        break;
      case 'heartbeatResponse':
        message = { type, ...env, readRound: r.u64() };
        break;
      case 'snapshot': {
        const index = r.u64();
        const term = r.u64();
        const conf: ConfState = { voters: r.ids(), learners: r.ids() };
        message = { type, ...env, snapshot: { metadata: { index, term, conf }, data: r.bytes() } };
        break;
      }
      case 'timeoutNow':
        message = { type, ...env };
        break;
    }
    out.push({ group, message });
  }
  if (r.at !== r.buf.length) throw new Error(`raft frame: ${r.buf.length - r.at} trailing bytes`);
  return out;
}

export const raftCodec = { encode: encodeBatch, decode: decodeBatch };
