import { readU64, writeU64 } from '../bytes';
import type { ConfState, Entry, HardState, SnapshotMetadata } from '../raft/types';
import { crc32c } from '../bytes';
import { CorruptionError } from './errors';
import type { TermRun } from './term-runs';

/**
 * Binary value encodings. Every value starts with a CRC32C that also covers the group (and the
 * index, for entries), so a value copied under the wrong key is caught as well as a flipped bit.
 */

const ENTRY_HEADER = 13; // crc u32, term u64, type u8

const seed = Buffer.alloc(12); // scratch: the checksum's (group, index) prefix, never stored

function seedCrc(group: number, index: number): number {
  seed.writeUInt32BE(group, 0);
  writeU64(seed, 4, index);
  return crc32c(seed);
}

/**
 * Encode a run of one group's entries into ONE fresh allocation. Besides the LevelDB values it
 * returns the entries re-pointed at that allocation, for the cache: the caller's data is often a
 * view into a larger buffer (a whole network frame), which the cache must not keep alive.
 * allocUnsafeSlow, because a pooled slab would pin 8 KiB for every small entry.
 */
export function encodeEntries(group: number, entries: readonly Entry[]): { values: Buffer[]; owned: Entry[] } {
  let total = 0;
  for (const e of entries) total += ENTRY_HEADER + e.data.length;
  const chunk = Buffer.allocUnsafeSlow(total);
  const values: Buffer[] = [];
  const owned: Entry[] = [];
  let at = 0;
  for (const e of entries) {
    const v = chunk.subarray(at, at + ENTRY_HEADER + e.data.length);
    writeU64(v, 4, e.term);
    v[12] = e.type;
    v.set(e.data, ENTRY_HEADER);
    v.writeUInt32BE(crc32c(v, seedCrc(group, e.index), 4), 0);
    values.push(v);
    owned.push({ index: e.index, term: e.term, type: e.type, data: v.subarray(ENTRY_HEADER) });
    at += v.length;
  }
  return { values, owned };
}

export function decodeEntry(group: number, index: number, v: Buffer): Entry {
  if (v.length < ENTRY_HEADER || v.readUInt32BE(0) !== crc32c(v, seedCrc(group, index), 4)) {
    throw new CorruptionError(group, index, 'log entry');
  }
  // A view, not a copy: the value buffer is ours alone.
  return { index, term: readU64(v, 4), type: v[12], data: v.subarray(ENTRY_HEADER) };
}

/** Everything the node must know about a group at startup, without reading its entries. */
export interface GroupState {
  hardState: HardState;
  /** The compaction point: entries up to here are gone (firstIndex = snapIndex + 1). */
  snapIndex: number;
  snapTerm: number;
  lastIndex: number;
  conf: ConfState;
  /** Run-length terms of (snapIndex, lastIndex]: small, one run per leader term seen. */
  runs: readonly TermRun[];
}

export function encodeState(group: number, s: GroupState): Buffer {
  const ids = s.conf.voters.length + s.conf.learners.length;
  const v = Buffer.allocUnsafe(4 + 1 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 4 * ids + 4 + 16 * s.runs.length);
  let at = 4;
  v[at++] = 1; // version
  writeU64(v, at, s.hardState.term);
  v.writeUInt32BE(s.hardState.vote, (at += 8));
  writeU64(v, (at += 4), s.hardState.commit);
  writeU64(v, (at += 8), s.snapIndex);
  writeU64(v, (at += 8), s.snapTerm);
  writeU64(v, (at += 8), s.lastIndex);
  at += 8;
  at = writeIds(v, at, s.conf.voters);
  at = writeIds(v, at, s.conf.learners);
  v.writeUInt32BE(s.runs.length, at);
  at += 4;
  for (const r of s.runs) {
    writeU64(v, at, r.start);
    writeU64(v, at + 8, r.term);
    at += 16;
  }
  v.writeUInt32BE(crc32c(v, seedCrc(group, 0), 4), 0);
  return v;
}

export function decodeState(group: number, v: Buffer): GroupState {
  const bad = () => new CorruptionError(group, undefined, 'group state');
  if (v.length < 49 || v.readUInt32BE(0) !== crc32c(v, seedCrc(group, 0), 4) || v[4] !== 1) throw bad();
  try {
    let at = 5;
    const term = readU64(v, at);
    const vote = v.readUInt32BE((at += 8));
    const commit = readU64(v, (at += 4));
    const snapIndex = readU64(v, (at += 8));
    const snapTerm = readU64(v, (at += 8));
    const lastIndex = readU64(v, (at += 8));
    at += 8;
    const [voters, a1] = readIds(v, at);
    const [learners, a2] = readIds(v, a1);
    at = a2;
    const n = v.readUInt32BE(at);
    at += 4;
    const runs: TermRun[] = [];
    for (let i = 0; i < n; i++, at += 16) runs.push({ start: readU64(v, at), term: readU64(v, at + 8) });
    if (at !== v.length) throw bad();
    return { hardState: { term, vote, commit }, snapIndex, snapTerm, lastIndex, conf: { voters, learners }, runs };
  } catch (e) {
    if (e instanceof CorruptionError) throw e;
    throw bad();
  }
}

export function encodeSnapshot(group: number, meta: SnapshotMetadata, data: Uint8Array): Buffer {
  const ids = meta.conf.voters.length + meta.conf.learners.length;
  const head = 4 + 16 + 4 + 4 * ids;
  const v = Buffer.allocUnsafe(head + data.length);
  writeU64(v, 4, meta.index);
  writeU64(v, 12, meta.term);
  let at = writeIds(v, 20, meta.conf.voters);
  at = writeIds(v, at, meta.conf.learners);
  v.set(data, at);
  v.writeUInt32BE(crc32c(v, seedCrc(group, meta.index), 4), 0);
  return v;
}

export function decodeSnapshot(group: number, v: Buffer): { metadata: SnapshotMetadata; data: Uint8Array } {
  const bad = () => new CorruptionError(group, undefined, 'snapshot');
  if (v.length < 24) throw bad();
  const index = readU64(v, 4);
  // The index the checksum is seeded with is itself unverified: on a mismatch it cannot be named.
  // A rotted high byte reads as NaN (past 2^53), which no checksum seed can be made of.
  if (!Number.isSafeInteger(index) || v.readUInt32BE(0) !== crc32c(v, seedCrc(group, index), 4)) throw bad();
  try {
    const term = readU64(v, 12);
    const [voters, a1] = readIds(v, 20);
    const [learners, a2] = readIds(v, a1);
    return { metadata: { index, term, conf: { voters, learners } }, data: v.subarray(a2) };
  } catch {
    throw bad();
  }
}

function writeIds(v: Buffer, at: number, ids: readonly number[]): number {
  v.writeUInt16BE(ids.length, at);
  at += 2;
  for (const id of ids) {
    v.writeUInt32BE(id, at);
    at += 4;
  }
  return at;
}

function readIds(v: Buffer, at: number): [number[], number] {
  const n = v.readUInt16BE(at);
  at += 2;
  if (at + 4 * n > v.length) throw new RangeError('ids past the end');
  const ids: number[] = [];
  for (let i = 0; i < n; i++, at += 4) ids.push(v.readUInt32BE(at));
  return [ids, at];
}

export interface NodeIdentity {
  clusterId: string;
  nodeId: number;
}

/** crc32c u32, node id u32, cluster id (UTF-8, the rest). */
export function encodeIdentity(id: NodeIdentity): Buffer {
  const name = Buffer.from(id.clusterId, 'utf8');
  const v = Buffer.allocUnsafe(8 + name.length);
  v.writeUInt32BE(id.nodeId, 4);
  name.copy(v, 8);
  v.writeUInt32BE(crc32c(v, 0, 4), 0);
  return v;
}

/** undefined if the record is corrupt. */
export function decodeIdentity(v: Buffer): NodeIdentity | undefined {
  if (v.length < 8 || v.readUInt32BE(0) !== crc32c(v, 0, 4)) return undefined;
  return { nodeId: v.readUInt32BE(4), clusterId: v.subarray(8).toString('utf8') };
}
