/**
 * Settings that shape the replicated state. They decide where index points and segment
 * boundaries fall and how many producers are remembered, so every replica of a partition must use
 * the same values (they are per-topic settings fixed at topic creation): a replica with a smaller
 * maxProducers would forget a producer its leader remembers and stop at the apply-time check.
 */
export interface StateOptions {
  /** An index point at least every this many bytes of batch data (Kafka's index.interval.bytes). */
  readonly indexIntervalBytes: number;
  /** ... and at least every this many batches, so that small batches do not make long scans. */
  readonly indexIntervalEntries: number;
  /** A segment (a snapshot and a possible compaction point) ends after this many bytes of batch data. */
  readonly segmentBytes: number;
  /** ... or once it spans this many milliseconds of record time, so retention.ms works on quiet topics. */
  readonly segmentMs: number;
  /** Producer ids remembered; the least recently used is forgotten beyond this. */
  readonly maxProducers: number;
}

export const DEFAULT_STATE_OPTIONS: StateOptions = {
  indexIntervalBytes: 64 * 1024,
  indexIntervalEntries: 256,
  segmentBytes: 16 * 1024 * 1024,
  segmentMs: 60 * 60 * 1000,
  maxProducers: 10_000,
};

/**
 * Limits the leader checks before proposing. They decide only what enters the log, so they may
 * differ between replicas and change at any time.
 */
export interface ProduceLimits {
  /** Largest record batch, encoded (Kafka's max.message.bytes); a single record above it is RECORD_TOO_LARGE. */
  readonly maxMessageBytes: number;
  /** Every record needs a key (a compacted topic: cleanup.policy compact): a keyless one is INVALID_RECORD. */
  readonly requireKeys: boolean;
}

export const DEFAULT_PRODUCE_LIMITS: ProduceLimits = {
  maxMessageBytes: 1024 * 1024,
  requireKeys: false,
};

export function resolveStateOptions(partial: Partial<StateOptions> = {}): StateOptions {
  const o = { ...DEFAULT_STATE_OPTIONS, ...partial };
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`partition state option ${k}=${v} must be a positive integer`);
  }
  return o;
}

export function resolveProduceLimits(partial: Partial<ProduceLimits> = {}): ProduceLimits {
  const o = { ...DEFAULT_PRODUCE_LIMITS, ...partial };
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'boolean') continue;
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`produce limit ${k}=${v} must be a non-negative integer`);
  }
  return o;
}
