/**
 * The key-value database LogStore runs on: exactly the subset of the `level` (classic-level)
 * API the store calls, with Buffer keys and values. A `Level<Buffer, Buffer>` opened with buffer
 * encodings is one (that is the production path); `SimKv` is another, for the deterministic
 * simulator. Everything LogStore relies on is stated here, so a second implementation knows
 * what it must honour:
 *
 * - Keys are ordered by `Buffer.compare` (LevelDB's default bytewise comparator).
 * - `batch` is atomic, also across a crash: all of its operations or none.
 * - A write with `{ sync: true }` is durable when its promise resolves, and so is every write that
 *   took effect before it (LevelDB appends every write to one sequential log and fsyncs it).
 * - Reads see every write whose promise has resolved. An iterator (and `keys()`) reads the
 *   database as it was when the iterator was created, whatever is written meanwhile.
 * - `clear` is NOT atomic: a crash can leave part of the range deleted.
 * - Operations issued concurrently may take effect in any order; LogStore orders its writes
 *   itself (one write chain) wherever the order matters.
 */

/** A key range, as `level` takes it: any of the bounds, absent means unbounded on that side. */
export interface KvRange {
  gt?: Buffer;
  gte?: Buffer;
  lt?: Buffer;
  lte?: Buffer;
}

export type KvOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** Key-value iterator over a consistent view of a range, in key order. One read at a time. */
export interface KvIterator {
  /** Up to `size` next entries; an empty array at the end of the range. */
  nextv(size: number): Promise<Array<[Buffer, Buffer]>>;
  /** Release the iterator (after its pending read, if any, completes). Idempotent. */
  close(): Promise<void>;
}

/** Key-only iterator over a consistent view of a range, in key order. One read at a time. */
export interface KvKeyIterator {
  /** The next key, or undefined at the end of the range. */
  next(): Promise<Buffer | undefined>;
  /** Continue from the first key >= target (still within the iterator's range). Not while a read is pending. */
  seek(target: Buffer): void;
  close(): Promise<void>;
}

export interface KvDatabase {
  get(key: Buffer): Promise<Buffer | undefined>;
  put(key: Buffer, value: Buffer, options: { sync: boolean }): Promise<void>;
  /** Atomic. An empty batch writes nothing (and syncs nothing). */
  batch(ops: KvOp[], options: { sync: boolean }): Promise<void>;
  iterator(range: KvRange): KvIterator;
  keys(range: KvRange): KvKeyIterator;
  /** Delete every key in the range: not atomic, not synced. */
  clear(range: KvRange): Promise<void>;
  /** Close iterators, wait for the operations in flight, then close. */
  close(): Promise<void>;
}
