import { assert } from './assert';
import type { NodeId } from './types';

/** freeFirstOne() calls refused while a forced-out message is unacknowledged before one more is forced. */
export const FORCED_RETRY_CALLS = 10;
export const MAX_FORCED_RETRY_CALLS = FORCED_RETRY_CALLS << 10;

/**
 * The append messages in flight to one follower, as (last index, bytes) in a ring buffer: the
 * window of pipelined replication. Bounded in count and in bytes so that a slow follower cannot
 * make the leader buffer without limit (etcd's tracker/inflights).
 *
 * Invariants: the indexes in the window strictly increase from oldest to newest; 0 <= count <=
 * maxMessages; bytes >= 0, and 0 when the window is empty. A message is only added while the
 * window is not full, so bytes exceed maxBytes by at most the last message.
 */
export class Inflights {
  private readonly indexes: number[];
  private readonly sizes: number[];
  private start = 0;
  private count_ = 0;
  private bytes_ = 0;
  /** The last index of the message freeFirstOne() forced out, until an acknowledgement reaches it (0: none). */
  private forcedOut = 0;
  /** freeFirstOne() calls refused since then, and how many must be before another is forced. */
  private refusedSinceForced = 0;
  private retryAfter = FORCED_RETRY_CALLS;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
    /** The follower these messages go to, for invariant messages. */
    private readonly to: NodeId = 0,
  ) {
    assert(maxMessages >= 1 && maxBytes >= 0, () => `inflights to ${to}: window of ${maxMessages} messages and ${maxBytes} bytes`);
    this.indexes = new Array(maxMessages).fill(0);
    this.sizes = new Array(maxMessages).fill(0);
  }

  get count(): number {
    return this.count_;
  }

  get bytes(): number {
    return this.bytes_;
  }

  full(): boolean {
    return this.count_ === this.maxMessages || (this.maxBytes > 0 && this.bytes_ >= this.maxBytes);
  }

  /** Record a message whose last entry is `index`; indexes must increase. */
  add(index: number, bytes: number): void {
    assert(!this.full(), () => `${this.describe()}: add on a full window`);
    assert(this.count_ === 0 || index > this.newest(), () => `${this.describe()}: added index ${index}, not past the newest`);
    assert(bytes >= 0, () => `${this.describe()}: added a message of ${bytes} bytes`);
    const slot = (this.start + this.count_) % this.maxMessages;
    this.indexes[slot] = index;
    this.sizes[slot] = bytes;
    this.count_++;
    this.bytes_ += bytes;
  }

  /** Forget every message whose last index is <= `index` (the follower acknowledged them). */
  freeLE(index: number): void {
    if (this.forcedOut !== 0 && index >= this.forcedOut) {
      this.forcedOut = 0;
      this.refusedSinceForced = 0;
      this.retryAfter = FORCED_RETRY_CALLS;
    }
    this.release(index);
  }

  private release(index: number): void {
    while (this.count_ > 0 && this.indexes[this.start] <= index) {
      this.bytes_ -= this.sizes[this.start];
      this.start = (this.start + 1) % this.maxMessages;
      this.count_--;
    }
    if (this.count_ === 0) this.start = 0;
    assert(this.bytes_ >= 0 && (this.count_ > 0 || this.bytes_ === 0), () => `${this.describe()}: bytes out of step with the messages after freeing up to ${index}`);
  }

  /**
   * Forget the oldest message: a heartbeat answer while the window is full proves the follower
   * alive, so appends may have been lost (a connection reset drops what was queued): let one more
   * through, whose gap, if any, the follower answers with a rejection (back to probe). But one at
   * a time: the next only once an acknowledgement reached the one forced out, or after
   * FORCED_RETRY_CALLS calls without (twice as many for each further one, up to
   * MAX_FORCED_RETRY_CALLS: the follower's rejection may have been lost too). A follower that is
   * alive but slow to persist (catching up) answers heartbeats long before its appends; freeing a
   * message on each answer would let the bytes really in flight grow by a message per heartbeat
   * without bound. This way they stay
   * within maxBytes plus two messages (the one crossing the limit, the one forced through) for
   * a follower that acknowledges at all, and grow by one message per doubling of the time for
   * one that never does.
   */
  freeFirstOne(): void {
    if (this.count_ === 0) return;
    if (this.forcedOut !== 0) {
      if (++this.refusedSinceForced < this.retryAfter) return;
      this.retryAfter = Math.min(2 * this.retryAfter, MAX_FORCED_RETRY_CALLS);
    }
    const oldest = this.indexes[this.start];
    this.release(oldest);
    this.forcedOut = oldest;
    this.refusedSinceForced = 0;
  }

  reset(): void {
    this.forcedOut = 0;
    this.refusedSinceForced = 0;
    this.retryAfter = FORCED_RETRY_CALLS;
    this.start = 0;
    this.count_ = 0;
    this.bytes_ = 0;
  }

  /** Last index of the oldest message in flight; only when count > 0. */
  oldest(): number {
    return this.indexes[this.start];
  }

  /** Last index of the newest message in flight; only when count > 0. */
  newest(): number {
    return this.indexes[(this.start + this.count_ - 1) % this.maxMessages];
  }

  /** The window's state, for invariant messages. */
  describe(): string {
    const span = this.count_ > 0 ? ` (indexes ${this.oldest()}..${this.newest()})` : '';
    return `inflights to ${this.to}: ${this.count_}/${this.maxMessages} messages${span}, ${this.bytes_}/${this.maxBytes} bytes`;
  }
}
