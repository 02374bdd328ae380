import { type CompactionConfig, DEFAULT_COMPACTION, DEFAULT_IN_SYNC, DEFAULT_PRODUCE_LIMITS, DEFAULT_STATE_OPTIONS } from '../partition';
import { MetadataError } from './errors';
import type { ConfigMap } from './types';

/**
 * Per-topic settings, as Kafka names them. A topic stores only the keys the user set (its
 * overrides); resolveTopicConfig() fills in the defaults, so a default changed in a later version
 * applies to every topic that did not set the key.
 */
export interface TopicConfig {
  /** Records older than this may be deleted; -1 = no time limit. */
  readonly retentionMs: number;
  /** A partition may be trimmed down to this many bytes of batches; -1 = no size limit. */
  readonly retentionBytes: number;
  /** Largest record batch a produce may carry, encoded. */
  readonly maxMessageBytes: number;
  /**
   * Kafka's cleanup.policy: 'delete' (retention.ms / retention.bytes remove old segments),
   * 'compact' (the log cleaner keeps the latest record per key; retention removes nothing), or
   * 'compact,delete' (both).
   */
  readonly cleanupPolicy: CleanupPolicy;
  /** The log cleaner's settings (delete.retention.ms, min/max.compaction.lag.ms, min.cleanable.dirty.ratio); used when the policy compacts. */
  readonly compaction: CompactionConfig;
  /** Produce with acks=all is refused while fewer replicas than this are in sync. */
  readonly minInsyncReplicas: number;
  /** A follower the leader has not heard from for longer than this is out of the in-sync set. */
  readonly replicaLagTimeMaxMs: number;
  /** ... and so is one more than this many records behind the leader's high watermark. */
  readonly replicaLagMaxRecords: number;
  /**
   * A segment ends after this many bytes of batches. Set at creation for good (no setting can be
   * altered yet; if that comes, these two must stay fixed): segment ends are every replica's
   * snapshot points, so all replicas must cut segments at the same entries from the first one on.
   */
  readonly segmentBytes: number;
  /** ... or once it spans this many milliseconds of record time (fixed at creation). */
  readonly segmentMs: number;
  /**
   * Whose clock a record's timestamp is (Kafka's message.timestamp.type): 'create', the
   * producer's (CreateTime), or 'logAppend', the leader's when it appended the batch (LogAppendTime).
   */
  readonly timestampType: 'create' | 'logAppend';
}

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Whether a policy compacts (then every record needs a key) and whether it deletes by retention. */
export function compacts(policy: CleanupPolicy): boolean {
  return policy !== 'delete';
}
export function deletes(policy: CleanupPolicy): boolean {
  return policy !== 'compact';
}

/** A batch is one Raft entry: it is sent in one message and held whole in the entry caches. */
export const MAX_MESSAGE_BYTES_LIMIT = 64 * 1024 * 1024;
/** The in-sync window: below a few heartbeats (200 ms each by default) followers would flap; a day is plenty. */
export const MIN_REPLICA_LAG_TIME_MS = 500;
export const MAX_REPLICA_LAG_TIME_MS = 24 * 60 * 60 * 1000;
export const MAX_REPLICA_LAG_RECORDS = 1_000_000_000;
/** Each segment end is a snapshot of the partition state; smaller segments only multiply them. */
export const MIN_SEGMENT_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 1024 * 1024 * 1024;

interface Spec {
  readonly default: string;
  /** What a valid value is, for messages. */
  rule(replicationFactor: number): string;
  /** The canonical form of `value`, or undefined if it is not valid. */
  parse(value: string, replicationFactor: number): string | undefined;
}

function integerSpec(
  defaultValue: number,
  rule: (replicationFactor: number) => string,
  valid: (n: number, replicationFactor: number) => boolean,
): Spec {
  return {
    default: String(defaultValue),
    rule,
    parse(value, replicationFactor) {
      if (!/^-?[0-9]{1,16}$/.test(value)) return undefined;
      const n = Number(value);
      return Number.isSafeInteger(n) && valid(n, replicationFactor) ? String(n) : undefined;
    },
  };
}

const unlimitedOrPositive = (n: number) => n === -1 || n >= 1;

const SPECS: Readonly<Record<string, Spec>> = {
  'cleanup.policy': {
    default: 'delete',
    rule: () => '"delete", "compact" or "compact,delete" (both, in either order)',
    parse: (value) => {
      const parts = new Set(value.split(',').map((p) => p.trim()));
      if (parts.size === 0 || value.split(',').length !== parts.size || [...parts].some((p) => p !== 'delete' && p !== 'compact')) return undefined;
      return parts.size === 2 ? 'compact,delete' : [...parts][0];
    },
  },
  'delete.retention.ms': integerSpec(DEFAULT_COMPACTION.deleteRetentionMs, () => 'an integer >= 0 (ms a tombstone stays after it was first cleaned)', (n) => n >= 0),
  'max.compaction.lag.ms': integerSpec(DEFAULT_COMPACTION.maxCompactionLagMs, () => 'an integer >= 1 (ms)', (n) => n >= 1),
  'min.cleanable.dirty.ratio': {
    default: String(DEFAULT_COMPACTION.minCleanableDirtyRatio),
    rule: () => 'a number in 0..1',
    parse: (value) => {
      if (!/^(0|1)?(\.[0-9]{1,6})?$/.test(value) || value === '' || value === '.') return undefined;
      const n = Number(value);
      return n >= 0 && n <= 1 ? String(n) : undefined;
    },
  },
  'min.compaction.lag.ms': integerSpec(DEFAULT_COMPACTION.minCompactionLagMs, () => 'an integer >= 0 (ms)', (n) => n >= 0),
  'max.message.bytes': integerSpec(
    DEFAULT_PRODUCE_LIMITS.maxMessageBytes,
    () => `an integer in 1..${MAX_MESSAGE_BYTES_LIMIT} (64 MiB)`,
    (n) => n >= 1 && n <= MAX_MESSAGE_BYTES_LIMIT,
  ),
  'message.timestamp.type': {
    default: 'CreateTime',
    rule: () => '"CreateTime" (the producer\'s timestamps) or "LogAppendTime" (the leader\'s clock when it appends)',
    parse: (value) => (value === 'CreateTime' || value === 'LogAppendTime' ? value : undefined),
  },
  'min.insync.replicas': integerSpec(
    1,
    (rf) => `an integer in 1..${rf} (the replication factor)`,
    (n, rf) => n >= 1 && n <= rf,
  ),
  'replica.lag.max.records': integerSpec(
    DEFAULT_IN_SYNC.lagMaxRecords,
    () => `an integer in 0..${MAX_REPLICA_LAG_RECORDS}`,
    (n) => n >= 0 && n <= MAX_REPLICA_LAG_RECORDS,
  ),
  'replica.lag.time.max.ms': integerSpec(
    DEFAULT_IN_SYNC.lagTimeMaxMs,
    () => `an integer in ${MIN_REPLICA_LAG_TIME_MS}..${MAX_REPLICA_LAG_TIME_MS} (half a second to a day)`,
    (n) => n >= MIN_REPLICA_LAG_TIME_MS && n <= MAX_REPLICA_LAG_TIME_MS,
  ),
  'retention.bytes': integerSpec(-1, () => '-1 (no limit) or an integer >= 1', unlimitedOrPositive),
  // Seven days, as Kafka.
  'retention.ms': integerSpec(7 * 24 * 60 * 60 * 1000, () => '-1 (no limit) or an integer >= 1', unlimitedOrPositive),
  'segment.bytes': integerSpec(
    DEFAULT_STATE_OPTIONS.segmentBytes,
    () => `an integer in ${MIN_SEGMENT_BYTES}..${MAX_SEGMENT_BYTES} (1 KiB to 1 GiB)`,
    (n) => n >= MIN_SEGMENT_BYTES && n <= MAX_SEGMENT_BYTES,
  ),
  'segment.ms': integerSpec(DEFAULT_STATE_OPTIONS.segmentMs, () => 'an integer >= 1000 (one second)', (n) => n >= 1000),
};

/** Every key a topic config may set, sorted. */
export const TOPIC_CONFIG_KEYS: readonly string[] = Object.keys(SPECS).sort();

function onTopic(topic: string | undefined): string {
  return topic === undefined ? '' : ` of topic "${topic}"`;
}

function specOf(key: string, topic: string | undefined): Spec | MetadataError {
  if (Object.prototype.hasOwnProperty.call(SPECS, key)) return SPECS[key];
  return new MetadataError(
    'INVALID_CONFIG',
    `unknown config key ${JSON.stringify(key)}${onTopic(topic)}; the known keys are ${TOPIC_CONFIG_KEYS.join(', ')}`,
    topic,
  );
}

function checkValue(key: string, value: unknown, replicationFactor: number, topic: string | undefined): string | MetadataError {
  const spec = specOf(key, topic);
  if (spec instanceof MetadataError) return spec;
  const parsed = typeof value === 'string' ? spec.parse(value, replicationFactor) : undefined;
  if (parsed === undefined) {
    return new MetadataError(
      'INVALID_CONFIG',
      `config ${key}=${JSON.stringify(value)}${onTopic(topic)} is not valid: it must be ${spec.rule(replicationFactor)}`,
      topic,
    );
  }
  return parsed;
}

function sorted(entries: Iterable<[string, string]>): ConfigMap {
  return Object.freeze(Object.fromEntries([...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
}

/**
 * The overrides of a new topic in canonical form (keys sorted, integers without leading zeros),
 * or why they are refused.
 */
export function checkTopicConfig(config: ConfigMap, replicationFactor: number, topic?: string): ConfigMap | MetadataError {
  const out: [string, string][] = [];
  // Sorted, so the first refusal reported does not depend on the order the keys were given in.
  for (const key of Object.keys(config).sort()) {
    const value = checkValue(key, config[key], replicationFactor, topic);
    if (value instanceof MetadataError) return value;
    out.push([key, value]);
  }
  const resolved = resolveTopicConfig(Object.fromEntries(out));
  if (resolved.compaction.minCompactionLagMs > resolved.compaction.maxCompactionLagMs) {
    return new MetadataError(
      'INVALID_CONFIG',
      `config min.compaction.lag.ms=${resolved.compaction.minCompactionLagMs}${onTopic(topic)} is above max.compaction.lag.ms=${resolved.compaction.maxCompactionLagMs}: a record cannot have to wait longer than it may wait`,
      topic,
    );
  }
  return sorted(out);
}

/** Every setting of a topic: its overrides, then the defaults. Overrides are assumed checked. */
export function resolveTopicConfig(overrides: ConfigMap): TopicConfig {
  const get = (key: string) => (Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : SPECS[key].default);
  return {
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    maxMessageBytes: Number(get('max.message.bytes')),
    cleanupPolicy: get('cleanup.policy') as CleanupPolicy,
    compaction: {
      deleteRetentionMs: Number(get('delete.retention.ms')),
      minCompactionLagMs: Number(get('min.compaction.lag.ms')),
      maxCompactionLagMs: Number(get('max.compaction.lag.ms')),
      minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    },
    minInsyncReplicas: Number(get('min.insync.replicas')),
    replicaLagTimeMaxMs: Number(get('replica.lag.time.max.ms')),
    replicaLagMaxRecords: Number(get('replica.lag.max.records')),
    segmentBytes: Number(get('segment.bytes')),
    segmentMs: Number(get('segment.ms')),
    timestampType: get('message.timestamp.type') === 'LogAppendTime' ? 'logAppend' : 'create',
  };
}
