import { ByteReader, ByteWriter, unzigzag, zigzag } from '../../bytes';
import type { Entry, Message, MessageType, NodeId } from '../../raft';

/**
 * The wire format of the peer stream: one frame carries the Raft messages of many groups, all
 * going from one node to another. Compact because most of a busy node's traffic is heartbeats
 * and acknowledgements of idle groups: an idle group's heartbeat costs about 5-8 bytes.
 *
 * Frame (numbers are unsigned LEB128 varints unless noted):
 *   version u8 (= 2) | flags u8 (bit 0: every message has the same from/to) | [from, to] | count
 *   then per message:
 *     head u8: low 4 bits the message type, bit 4 a boolean field (reject / transfer),
 *              bit 5 "reject hints present" (appendResponse)
 *     group: zigzag delta from the previous message's group (a sorted batch costs 1 byte)
 *     [from, to] unless shared | term | the type's fields, in the order of raft/types.ts
 *   An append's entries carry no index (they are consecutive from prevIndex + 1, as Raft sends
 *   them); an entry's term is (message term - entry term), usually 1 byte (never negative: a
 *   leader only sends entries of its term or older).
 * Numbers stay below 2^53 (Raft terms and indexes never reach it); node and group ids below 2^32.
 * Version 1 was a fixed-width draft format; a version-1 frame is refused with a clear error.
 */
export interface GroupMessage {
  readonly group: number;
  readonly message: Message;
}

export const FRAME_VERSION = 2;

const TYPE_CODES: Readonly<Record<MessageType, number>> = {
  append: 0,
  appendResponse: 1,
  vote: 2,
  voteResponse: 3,
  preVote: 4,
  preVoteResponse: 5,
  heartbeat: 6,
  heartbeatResponse: 7,
  snapshot: 8,
  timeoutNow: 9,
};
const TYPES: readonly MessageType[] = Object.entries(TYPE_CODES)
  .sort((a, b) => a[1] - b[1])
  .map(([t]) => t as MessageType);

const FLAG_BOOL = 0x10;
const FLAG_HINTS = 0x20;
const SHARED_ENDPOINTS = 0x01;

export class MalformedFrameError extends Error {
  constructor(detail: string) {
    super(`malformed raft frame: ${detail} (the peer runs an incompatible version, or the stream is corrupt)`);
    this.name = 'MalformedFrameError';
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function writeIds(w: ByteWriter, list: readonly NodeId[]): void {
  w.varint(list.length);
  for (const id of list) w.varint(id);
}

/** Encode one frame. Throws RangeError on a message the format cannot carry (a bug in the caller). */
export function encodeRaftFrame(batch: readonly GroupMessage[]): Buffer {
  let dataBytes = 0;
  for (const { message: m } of batch) {
    if (m.type === 'append') for (const e of m.entries) dataBytes += e.data.length + 4;
    else if (m.type === 'snapshot') dataBytes += m.snapshot.data.length;
  }
  const w = new ByteWriter(16 + dataBytes + batch.length * 24);
  w.u8(FRAME_VERSION);
  const first = batch[0]?.message;
  const shared = first !== undefined && batch.every(({ message: m }) => m.from === first.from && m.to === first.to);
  w.u8(shared ? SHARED_ENDPOINTS : 0);
  if (shared) {
    w.varint(first.from);
    w.varint(first.to);
  }
  w.varint(batch.length);
  let prevGroup = 0;
  for (const { group, message } of batch) {
    if (!Number.isInteger(group) || group < 0 || group > 0xffffffff) throw new RangeError(`raft frame: group id ${group} is not in 0..2^32-1`);
    encodeMessage(w, message, group - prevGroup, shared);
    prevGroup = group;
  }
  return w.finish();
}

function encodeMessage(w: ByteWriter, m: Message, groupDelta: number, shared: boolean): void {
  let head = TYPE_CODES[m.type];
  switch (m.type) {
    case 'voteResponse':
    case 'preVoteResponse':
      if (m.reject) head |= FLAG_BOOL;
      break;
    case 'vote':
    case 'preVote':
      if (m.transfer) head |= FLAG_BOOL;
      break;
    case 'appendResponse':
      if (m.reject) head |= FLAG_BOOL;
      if (m.rejectHint !== 0 || m.hintTerm !== 0) head |= FLAG_HINTS;
      break;
    default:
      break;
  }
  w.u8(head);
  w.varint(zigzag(groupDelta));
  if (!shared) {
    w.varint(m.from);
    w.varint(m.to);
  }
  w.varint(m.term);
  switch (m.type) {
    case 'append': {
      w.varint(m.prevIndex);
      w.varint(m.prevTerm);
      w.varint(m.commit);
      w.varint(m.entries.length);
      let index = m.prevIndex + 1;
      for (const e of m.entries) {
        if (e.index !== index) {
          throw new RangeError(`raft frame: append entries must be consecutive from prevIndex+1=${m.prevIndex + 1}; got index ${e.index} where ${index} was due`);
        }
        if (!Number.isSafeInteger(e.term) || e.term < 0 || e.term > m.term) {
          throw new RangeError(`raft frame: entry ${e.index} has term ${e.term}, outside 0..${m.term} (the append's term)`);
        }
        w.varint(m.term - e.term);
        w.u8(e.type);
        w.blob(e.data);
        index++;
      }
      return;
    }
    case 'appendResponse':
      w.varint(m.index);
      if (m.rejectHint !== 0 || m.hintTerm !== 0) {
        w.varint(m.rejectHint);
        w.varint(m.hintTerm);
      }
      return;
    case 'vote':
    case 'preVote':
      w.varint(m.lastIndex);
      w.varint(m.lastTerm);
      return;
    case 'voteResponse':
    case 'preVoteResponse':
    case 'timeoutNow':
      return;
    case 'heartbeat':
      w.varint(m.commit);
      w.varint(m.readRound);
      return;
    case 'heartbeatResponse':
      w.varint(m.readRound);
      return;
    case 'snapshot': {
      const md = m.snapshot.metadata;
      w.varint(md.index);
      w.varint(md.term);
      writeIds(w, md.conf.voters);
      writeIds(w, md.conf.learners);
      w.blob(m.snapshot.data);
      return;
    }
    default: {
      const never: never = m;
      throw new RangeError(`raft frame: unknown message ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readIds(r: ByteReader): NodeId[] {
  const n = r.varint('id count');
  if (n > r.remaining) throw new MalformedFrameError(`id list of ${n} is longer than the frame`);
  const out: NodeId[] = [];
  for (let i = 0; i < n; i++) out.push(r.varint('node id'));
  return out;
}

/** Decode one frame. Throws MalformedFrameError on anything that is not a well-formed frame. */
export function decodeRaftFrame(bytes: Uint8Array): GroupMessage[] {
  // Entry and snapshot data are copies (ByteReader.blob): a decoded entry may be cached long after the frame is gone.
  const r = new ByteReader(bytes, (detail) => new MalformedFrameError(detail));
  const version = r.u8();
  if (version !== FRAME_VERSION) throw new MalformedFrameError(`version ${version}, this node reads version ${FRAME_VERSION}`);
  const flags = r.u8();
  const shared = (flags & SHARED_ENDPOINTS) !== 0;
  const from = shared ? r.varint() : 0;
  const to = shared ? r.varint() : 0;
  const count = r.varint();
  if (count > bytes.length) throw new MalformedFrameError(`count ${count} is larger than the frame`);
  const out: GroupMessage[] = new Array(count);
  let group = 0;
  for (let i = 0; i < count; i++) {
    const head = r.u8();
    group += unzigzag(r.varint());
    if (group < 0 || group > 0xffffffff) throw new MalformedFrameError(`group id ${group} out of range`);
    const envFrom = shared ? from : r.varint();
    const envTo = shared ? to : r.varint();
    out[i] = { group, message: decodeMessage(r, head, envFrom, envTo, r.varint()) };
  }
  if (r.remaining !== 0) throw new MalformedFrameError(`${r.remaining} trailing bytes`);
  return out;
}

function decodeMessage(r: ByteReader, head: number, from: NodeId, to: NodeId, term: number): Message {
  const type = TYPES[head & 0x0f];
  if (type === undefined || (head & 0xc0) !== 0) throw new MalformedFrameError(`unknown message head 0x${head.toString(16)}`);
  const flag = (head & FLAG_BOOL) !== 0;
  switch (type) {
    case 'append': {
      const prevIndex = r.varint();
      const prevTerm = r.varint();
      const commit = r.varint();
      const n = r.varint();
      if (n > r.length) throw new MalformedFrameError(`entry count ${n} is larger than the frame`);
      const entries: Entry[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const entryTerm = term - r.varint();
        if (entryTerm < 0) throw new MalformedFrameError(`entry term above the append's term ${term}`);
        const entryType = r.u8();
        if (entryType > 1) throw new MalformedFrameError(`unknown entry type ${entryType}`);
        entries[i] = { term: entryTerm, index: prevIndex + 1 + i, type: entryType, data: r.blob('entry data') };
      }
      return { type, from, to, term, prevIndex, prevTerm, entries, commit };
    }
    case 'appendResponse': {
      const index = r.varint();
      const hints = (head & FLAG_HINTS) !== 0;
      const rejectHint = hints ? r.varint() : 0;
      const hintTerm = hints ? r.varint() : 0;
      return { type, from, to, term, index, reject: flag, rejectHint, hintTerm };
    }
    case 'vote':
    case 'preVote':
      return { type, from, to, term, lastIndex: r.varint(), lastTerm: r.varint(), transfer: flag };
    case 'voteResponse':
    case 'preVoteResponse':
      return { type, from, to, term, reject: flag };
    case 'heartbeat':
      return { type, from, to, term, commit: r.varint(), readRound: r.varint() };
    case 'heartbeatResponse':
      return { type, from, to, term, readRound: r.varint() };
    case 'snapshot': {
      const index = r.varint();
      const snapTerm = r.varint();
      const voters = readIds(r);
      const learners = readIds(r);
      const data = r.blob('snapshot data');
      return { type, from, to, term, snapshot: { metadata: { index, term: snapTerm, conf: { voters, learners } }, data } };
    }
    case 'timeoutNow':
      return { type, from, to, term };
    default: {
      const never: never = type;
      throw new MalformedFrameError(`unknown message type ${String(never)}`);
    }
  }
}

/** The codec object the peer transport takes (its BatchCodec). */
export const raftFrameCodec = {
  encode: (batch: readonly GroupMessage[]): Uint8Array => encodeRaftFrame(batch),
  decode: (bytes: Uint8Array): GroupMessage[] => decodeRaftFrame(bytes),
};
