import type { KvDatabase, KvIterator, KvKeyIterator, KvOp, KvRange } from './kv';

/** What SimKv needs from the simulator: its seeded RNG and its virtual clock. */
export interface SimKvIo {
  /** A uniform integer in [0, n), from the simulator's seeded RNG. */
  int(n: number): number;
  /** Run `fn` after `delay` virtual ticks (0: later in this same instant). */
  after(delay: number, fn: () => void): void;
}

export interface SimKvOptions {
  /** Every operation completes after a delay drawn uniformly from [0, maxLatency] ticks (default 10). */
  maxLatency?: number;
  /** Percentage (0..100) of the values returned by get and iterators that come back with one byte flipped (default 0). */
  readCorruptionPercent?: number;
}

/** An error shaped like level's (a `code` to switch on). */
export class SimKvError extends Error {
  constructor(
    readonly code: 'LEVEL_DATABASE_NOT_OPEN' | 'LEVEL_ITERATOR_NOT_OPEN' | 'LEVEL_ITERATOR_BUSY' | 'SIMKV_CRASHED',
    message: string,
  ) {
    super(message);
    this.name = 'SimKvError';
  }
}

const crashedError = () =>
  new SimKvError('SIMKV_CRASHED', 'SimKv: this database crashed (simulated power loss) and refuses every call: use the instance reopen() returned');

/**
 * Keys as latin1 strings: one UTF-16 code unit per byte, so JavaScript's string order is exactly
 * Buffer.compare order (LevelDB's bytewise comparator), and strings are cheap Map keys.
 */
const str = (b: Buffer) => b.toString('latin1');
const buf = (s: string) => Buffer.from(s, 'latin1');

/** A range's bounds as classic-level reads them: gte takes precedence over gt, lte over lt. */
function rangeBounds(r: KvRange): { lower: string | undefined; belowStart(k: string): boolean; pastEnd(k: string): boolean } {
  const gte = r.gte === undefined ? undefined : str(r.gte);
  const gt = gte === undefined && r.gt !== undefined ? str(r.gt) : undefined;
  const lte = r.lte === undefined ? undefined : str(r.lte);
  const lt = lte === undefined && r.lt !== undefined ? str(r.lt) : undefined;
  return {
    lower: gte ?? gt,
    belowStart: (k) => (gte !== undefined && k < gte) || (gt !== undefined && k <= gt),
    pastEnd: (k) => (lte !== undefined && k > lte) || (lt !== undefined && k >= lt),
  };
}

/** One write as LevelDB logs it: a batch of puts (value) and deletes (undefined), applied atomically. */
type LoggedWrite = Array<{ key: string; value: Buffer | undefined }>;

/** An ordered map of keys to values: a state of the database. */
class Table {
  private sorted: string[] = [];
  private readonly values = new Map<string, Buffer>();

  get(key: string): Buffer | undefined {
    return this.values.get(key);
  }

  apply(write: LoggedWrite): void {
    for (const { key, value } of write) {
      if (value === undefined) this.delete(key);
      else this.set(key, value);
    }
  }

  set(key: string, value: Buffer): void {
    if (!this.values.has(key)) this.sorted.splice(this.lowerBound(key), 0, key);
    this.values.set(key, value);
  }

  private delete(key: string): void {
    if (!this.values.delete(key)) return;
    this.sorted.splice(this.lowerBound(key), 1);
  }

  /** Position of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The entries in the range, in key order: a snapshot (values are never mutated in place). As in
   * classic-level, gte takes precedence over gt, and lte over lt.
   */
  range(r: KvRange): Array<[string, Buffer]> {
    const bounds = rangeBounds(r);
    const out: Array<[string, Buffer]> = [];
    for (let i = bounds.lower === undefined ? 0 : this.lowerBound(bounds.lower); i < this.sorted.length; i++) {
      const k = this.sorted[i];
      if (bounds.belowStart(k)) continue;
      if (bounds.pastEnd(k)) break;
      out.push([k, this.values.get(k)!]);
    }
    return out;
  }

  keys(): readonly string[] {
    return this.sorted;
  }

  clone(): Table {
    const t = new Table();
    t.sorted = this.sorted.slice();
    for (const [k, v] of this.values) t.values.set(k, v);
    return t;
  }
}

/** Where a SimKv is in its life: as level's `status`, plus 'crashed' (it refuses every call). */
export type SimKvStatus = 'opening' | 'open' | 'closing' | 'closed' | 'crashed';

/**
 * An in-memory, deterministic model of one LevelDB database as LogStore sees it through
 * classic-level, running in the simulator's virtual time: every random choice comes from
 * `io.int` and every delay is an `io.after`, so one seed replays one run exactly. It honours
 * the KvDatabase contract and nothing more, taking every liberty real LevelDB may take:
 *
 * - Latency and reordering: every operation completes after its own random delay. classic-level
 *   runs each call on libuv's thread pool, so concurrent calls reach LevelDB (and complete) in any
 *   order. A write takes effect (becomes visible to reads, and joins the log) at the instant its
 *   promise resolves.
 * - Read views: get, iterator, keys and clear read the database as it is when they are called:
 *   classic-level takes an implicit LevelDB snapshot in the call itself, on the JS thread. Each
 *   nextv/next then takes its own delay.
 * - Durability (power loss, the harshest crash): LevelDB appends every write to one sequential log,
 *   and a synced write fsyncs it, so it makes itself and every write that took effect before it
 *   durable. On `crash()` every operation not yet taken effect is dropped (its promise never
 *   settles) and, of the writes since the last sync, a random prefix survives: a torn log tail,
 *   which LevelDB's recovery cuts at the last intact record. A batch is one log record, so it never
 *   tears. A process kill (kill -9) loses less than this (unsynced writes sit in the OS page cache).
 * - clear is not atomic: classic-level deletes the range, as seen when it was called, in unsynced
 *   batches of about 16 KiB of keys. Here each chunk is 1 to 4 keys, so a clear can tear (and other
 *   writes can interleave) at any key, a superset of the real tear points.
 * - Open: `new SimKv` starts opening at once, as `new Level` does; calls made meanwhile wait for
 *   the open (level's deferred open). Opening makes everything durable (LevelDB's recovery writes
 *   the recovered log into a synced table).
 * - Close, as classic-level: new calls are refused (LEVEL_DATABASE_NOT_OPEN) from the moment
 *   close() is called; open iterators are closed (each after its read in flight); close waits for
 *   every other operation in flight to complete (they take effect), then completes after its own
 *   delay. A closed SimKv can be opened again.
 * - Corruption: `corruptStoredValue` is bit rot (one byte of one stored value, for good);
 *   `readCorruptionPercent` is a transient read fault (the stored value is intact, one read of it
 *   is not). Keys never rot here.
 *
 * Not modelled: disk-full and I/O errors, LOCK conflicts between processes, write stalls,
 * compaction, reverse iteration, limits, explicit snapshots, and key encodings other than Buffer.
 */
export class SimKv implements KvDatabase {
  private readonly maxLatency: number;
  private readonly readCorruptionPercent: number;
  private status_: SimKvStatus = 'opening';
  /** What reads see. */
  private live = new Table();
  /** What a crash keeps for certain: the state as of the last synced write. */
  private durable = new Table();
  /** Writes that took effect after the last sync, in the order they did (the log's unsynced tail). */
  private tail: LoggedWrite[] = [];
  /** What a crash left: the database reopen() gives. */
  private survivors: Table | undefined;
  /** Operations started and not yet completed (close waits for them). */
  private inFlight = 0;
  private readonly iterators = new Set<SimCursor>();
  /** Calls made while opening, run once open. */
  private deferred: Array<() => void> = [];
  private opened: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  private closeWaiter: (() => void) | undefined;

  constructor(
    private readonly io: SimKvIo,
    options: SimKvOptions = {},
  ) {
    this.maxLatency = options.maxLatency ?? 10;
    this.readCorruptionPercent = options.readCorruptionPercent ?? 0;
    if (!Number.isInteger(this.maxLatency) || this.maxLatency < 0) throw new RangeError(`SimKv: maxLatency must be a non-negative integer, got ${this.maxLatency}`);
    if (!(this.readCorruptionPercent >= 0 && this.readCorruptionPercent <= 100)) {
      throw new RangeError(`SimKv: readCorruptionPercent must be within 0..100, got ${this.readCorruptionPercent}`);
    }
    this.opened = this.startOpen();
  }

  get status(): SimKvStatus {
    return this.status_;
  }

  // --- Lifecycle -----------------------------------------------------------------------------------

  /** Open (again, after close). Resolves at once if open. */
  async open(): Promise<void> {
    for (;;) {
      switch (this.status_) {
        case 'crashed':
          throw crashedError();
        case 'open':
          return;
        case 'opening':
          await this.opened;
          break;
        case 'closing':
          await this.closed;
          break;
        case 'closed':
          this.status_ = 'opening';
          this.opened = this.startOpen();
          break;
      }
    }
  }

  private startOpen(): Promise<void> {
    return new Promise((resolve) => {
      this.io.after(this.delay(), () => {
        if (this.status_ === 'crashed') return;
        this.status_ = 'open';
        // Recovery turns the log into a synced table: whatever is there now survives any crash.
        this.syncLog();
        const deferred = this.deferred;
        this.deferred = [];
        for (const start of deferred) start();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (;;) {
      switch (this.status_) {
        case 'crashed':
          throw crashedError();
        case 'closed':
          return;
        case 'opening':
          await this.opened;
          break;
        case 'closing':
          await this.closed;
          return;
        case 'open':
          this.status_ = 'closing';
          this.closed = this.finishClose();
          await this.closed;
          return;
      }
    }
  }

  private async finishClose(): Promise<void> {
    // As abstract-level: iterators first (each after its pending read), then classic-level waits for
    // every operation in flight before LevelDB closes.
    await Promise.all([...this.iterators].map((it) => it.close()));
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.closeWaiter = resolve));
    await new Promise<void>((resolve) => this.later(() => resolve()));
    this.status_ = 'closed';
  }

  /**
   * Power loss. Every operation not yet taken effect is dropped (its promise never settles); the
   * synced state survives, plus a random prefix of the writes since (possibly none, possibly all).
   * From now on this instance refuses every call; reopen() gives the database that survived.
   */
  crash(): void {
    if (this.status_ === 'crashed') throw crashedError();
    const keep = this.io.int(this.tail.length + 1);
    const survivors = this.durable;
    for (let i = 0; i < keep; i++) survivors.apply(this.tail[i]);
    this.survivors = survivors;
    this.status_ = 'crashed';
    this.live = new Table();
    this.durable = new Table();
    this.tail = [];
    this.deferred = [];
    this.iterators.clear();
  }

  /** A new instance (opening, as after a restart) over what the crash left. Each call gives an independent copy. */
  reopen(): SimKv {
    if (this.status_ !== 'crashed' || !this.survivors) throw new Error('SimKv: reopen() is for a crashed instance: crash() it first');
    const next = new SimKv(this.io, { maxLatency: this.maxLatency, readCorruptionPercent: this.readCorruptionPercent });
    next.live = this.survivors.clone();
    next.durable = this.survivors.clone();
    return next;
  }

  // --- Fault injection -----------------------------------------------------------------------------

  /**
   * Bit rot: flip one byte of one stored value, chosen by the RNG among the keys `pick` accepts
   * (and the byte and its new bits too). The rotted bytes are what the disk holds from now on:
   * every later read and every reopen sees them. Returns false if `pick` accepted no non-empty value.
   */
  corruptStoredValue(pick: (key: Buffer) => boolean): boolean {
    if (this.status_ === 'crashed') throw crashedError();
    const candidates = this.live.keys().filter((k) => this.live.get(k)!.length > 0 && pick(buf(k)));
    if (candidates.length === 0) return false;
    const key = candidates[this.io.int(candidates.length)];
    const old = this.live.get(key)!;
    const rotted = this.flipOneByte(old);
    // The same stored bytes, wherever they are: the live table, the synced state, the unsynced log.
    this.live.set(key, rotted);
    if (this.durable.get(key) === old) this.durable.set(key, rotted);
    for (const write of this.tail) for (const op of write) if (op.key === key && op.value === old) op.value = rotted;
    return true;
  }

  private flipOneByte(v: Buffer): Buffer {
    const copy = Buffer.from(v);
    copy[this.io.int(copy.length)] ^= 1 + this.io.int(255);
    return copy;
  }

  /** A value as one read returns it: a fresh copy (as classic-level's), now and then with a flipped byte. */
  private readValue(v: Buffer): Buffer {
    if (this.readCorruptionPercent > 0 && v.length > 0 && this.io.int(100) < this.readCorruptionPercent) return this.flipOneByte(v);
    return Buffer.from(v);
  }

  // --- KvDatabase ----------------------------------------------------------------------------------

  get(key: Buffer): Promise<Buffer | undefined> {
    return this.call(() => {
      const v = this.live.get(str(key)); // the view as of the call
      return this.later(() => (v === undefined ? undefined : this.readValue(v)));
    });
  }

  put(key: Buffer, value: Buffer, options: { sync: boolean }): Promise<void> {
    return this.batch([{ type: 'put', key, value }], options);
  }

  batch(ops: KvOp[], options: { sync: boolean }): Promise<void> {
    // Copied at the call, as classic-level copies keys and values into its write batch.
    const write: LoggedWrite = ops.map((op) => ({ key: str(op.key), value: op.type === 'put' ? Buffer.from(op.value) : undefined }));
    return this.call(async () => {
      if (write.length === 0) return; // abstract-level returns before LevelDB sees an empty batch: nothing is synced
      await this.later(() => this.logWrite(write, options.sync));
    });
  }

  clear(range: KvRange): Promise<void> {
    return this.call(async () => {
      const keys = this.live.range(range).map(([k]) => k); // the view as of the call
      if (keys.length === 0) return this.later(() => undefined);
      // Chunk by chunk, in key order, unsynced, each a write of its own.
      for (let at = 0; at < keys.length; ) {
        const chunk = keys.slice(at, (at += 1 + this.io.int(4)));
        await this.later(() => this.logWrite(chunk.map((key) => ({ key, value: undefined })), false));
      }
    });
  }

  iterator(range: KvRange): KvIterator {
    const cursor = this.cursor(range);
    return {
      nextv: (size) => cursor.read(size, ([k, v]): [Buffer, Buffer] => [buf(k), this.readValue(v)]),
      close: () => cursor.close(),
    };
  }

  keys(range: KvRange): KvKeyIterator {
    const cursor = this.cursor(range);
    return {
      next: () => cursor.read(1, ([k]) => buf(k)).then((keys) => keys[0]),
      seek: (target) => cursor.seek(str(target)),
      close: () => cursor.close(),
    };
  }

  // --- Internals -----------------------------------------------------------------------------------

  private cursor(range: KvRange): SimCursor {
    if (this.status_ === 'crashed') throw crashedError();
    if (this.status_ === 'closing' || this.status_ === 'closed') {
      throw new SimKvError('LEVEL_DATABASE_NOT_OPEN', 'SimKv: the database is not open: cannot create an iterator');
    }
    const cursor = new SimCursor(this, rangeBounds(range), (read) => this.readLater(read));
    this.iterators.add(cursor);
    // The snapshot is pinned now, or (deferred open) when the database opens, before any deferred read.
    const pin = () => cursor.pin(this.live.range(range));
    if (this.status_ === 'open') pin();
    else this.deferred.push(pin);
    return cursor;
  }

  /** @internal For SimCursor. */
  refuseIfCrashed(): void {
    if (this.status_ === 'crashed') throw crashedError();
  }

  /** @internal For SimCursor. */
  forget(cursor: SimCursor): void {
    this.iterators.delete(cursor);
  }

  /** An iterator read: waits for the open if deferred, takes its own delay, counts as in flight. */
  private readLater<T>(read: () => T): Promise<T> {
    return this.call(() => this.later(read), true);
  }

  /**
   * Run one call: refused if crashed, or closing/closed (level checks at the call); deferred until
   * open while opening; counted in flight until it settles, so that close() can wait for it.
   */
  private call<T>(start: () => Promise<T>, iteratorRead = false): Promise<T> {
    switch (this.status_) {
      case 'crashed':
        return Promise.reject(crashedError());
      case 'closing':
      case 'closed':
        // An iterator's read in flight when close() began still completes; a new one on a closing db is refused by the iterator itself.
        if (!iteratorRead) return Promise.reject(new SimKvError('LEVEL_DATABASE_NOT_OPEN', 'SimKv: the database is not open'));
        break;
      case 'opening':
        return new Promise<T>((resolve, reject) => this.deferred.push(() => this.call(start, iteratorRead).then(resolve, reject)));
      case 'open':
        break;
    }
    this.inFlight++;
    const settled = () => {
      if (--this.inFlight === 0 && this.closeWaiter) {
        const w = this.closeWaiter;
        this.closeWaiter = undefined;
        w();
      }
    };
    const p = start();
    p.then(settled, settled);
    return p;
  }

  /** Do `effect` after a random delay, unless the database crashes first; resolve with its result at that instant. */
  private later<T>(effect: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      this.io.after(this.delay(), () => {
        if (this.status_ === 'crashed') return; // dropped: the promise never settles
        resolve(effect());
      });
    });
  }

  private delay(): number {
    return this.io.int(this.maxLatency + 1);
  }

  /** A write takes effect: visible to reads from now, appended to the log, durable with everything before it if synced. */
  private logWrite(write: LoggedWrite, sync: boolean): void {
    this.live.apply(write);
    this.tail.push(write);
    if (sync) this.syncLog();
  }

  private syncLog(): void {
    for (const write of this.tail) this.durable.apply(write);
    this.tail = [];
  }
}

/**
 * One iterator's state, as abstract-level keeps it: a pinned view, a position, one read at a
 * time (LEVEL_ITERATOR_BUSY otherwise), close() waits for the read in flight, reads after close
 * are refused (LEVEL_ITERATOR_NOT_OPEN), and once a read came back empty the next ones return
 * empty at once until a seek.
 */
class SimCursor {
  private view: Array<[string, Buffer]> | undefined;
  private pendingSeek: string | undefined;
  private pos = 0;
  private busy = false;
  private ended = false;
  private closing: Promise<void> | undefined;
  private closeNow: (() => void) | undefined;

  constructor(
    private readonly db: SimKv,
    private readonly bounds: ReturnType<typeof rangeBounds>,
    private readonly schedule: <T>(read: () => T) => Promise<T>,
  ) {}

  pin(view: Array<[string, Buffer]>): void {
    this.view = view;
    if (this.pendingSeek !== undefined) this.seek(this.pendingSeek);
  }

  /** Up to `size` next entries, each shaped by `shape` at the instant the read completes. */
  async read<T>(size: number, shape: (entry: [string, Buffer]) => T): Promise<T[]> {
    this.db.refuseIfCrashed();
    if (this.closing) throw new SimKvError('LEVEL_ITERATOR_NOT_OPEN', 'SimKv: iterator is not open: cannot read after close()');
    if (this.busy) throw new SimKvError('LEVEL_ITERATOR_BUSY', 'SimKv: iterator is busy: cannot read until the previous read has completed');
    if (this.ended) return [];
    this.busy = true;
    try {
      const batch = await this.schedule(() => {
        const view = this.view!;
        const out = view.slice(this.pos, this.pos + Math.max(1, size));
        this.pos += out.length;
        return out.map(shape);
      });
      if (batch.length === 0) this.ended = true;
      return batch;
    } finally {
      this.busy = false;
      this.closeNow?.();
    }
  }

  seek(target: string): void {
    this.db.refuseIfCrashed();
    if (this.closing) return; // abstract-level ignores a seek on a closing iterator
    if (this.busy) throw new SimKvError('LEVEL_ITERATOR_BUSY', 'SimKv: iterator is busy: cannot seek() until the read in flight has completed');
    this.ended = false;
    if (!this.view) {
      this.pendingSeek = target;
      return;
    }
    // As classic-level: a target outside the iterator's range ends it.
    if (this.bounds.belowStart(target) || this.bounds.pastEnd(target)) {
      this.pos = this.view.length;
      return;
    }
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.view[mid][0] < target) lo = mid + 1;
      else hi = mid;
    }
    this.pos = lo;
  }

  close(): Promise<void> {
    try {
      this.db.refuseIfCrashed();
    } catch (e) {
      return Promise.reject(e);
    }
    this.closing ??= new Promise<void>((resolve) => {
      this.closeNow = () => {
        this.closeNow = undefined;
        this.view = undefined;
        this.db.forget(this);
        resolve();
      };
      if (!this.busy) this.closeNow();
    });
    return this.closing;
  }
}
