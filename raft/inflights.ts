import { assert } from './assert';
import type { NodeId } from './types';

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
    while (this.count_ > 0 && this.indexes[this.start] <= index) {
      this.bytes_ -= this.sizes[this.start];
      this.start = (this.start + 1) % this.maxMessages;
      this.count_--;
    }
    if (this.count_ === 0) this.start = 0;
    assert(this.bytes_ >= 0 && (this.count_ > 0 || this.bytes_ === 0), () => `${this.describe()}: bytes out of step with the messages after freeing up to ${index}`);
  }

  /** Forget the oldest message: a heartbeat answer proves the follower is alive, so let one more through. */
  freeFirstOne(): void {
    if (this.count_ > 0) this.freeLE(this.indexes[this.start]);
  }

  reset(): void {
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
