/**
 * The append messages in flight to one follower, as (last index, bytes) in a ring buffer: the
 * window of pipelined replication. Bounded in count and in bytes so that a slow follower cannot
 * make the leader buffer without limit (etcd's tracker/inflights).
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
  ) {
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
    if (this.count_ === this.maxMessages) throw new Error('inflights: add on a full window');
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
}
