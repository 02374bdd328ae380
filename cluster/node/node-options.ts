/**
 * What a node is started with: the addresses and peers `flotilla start` gives it, Raft timing,
 * and the hooks tests set. Addresses are host:port.
 */
export interface NodeStartOptions {
  nodeId: number;
  dataDir: string;
  /** Address the node listens on, for clients (clientPort) and for other nodes (peerPort). */
  host: string;
  clientPort: number;
  peerPort: number;
  /** The client address this node publishes in cluster metadata, for clients to reach it. */
  advertisedAddress: string;
  /** Every voter of the initial cluster, this node included. */
  peers: Array<{ id: number; address: string }>;
  /**
   * The peer address of any node of a running cluster this node joins (`flotilla start --join`):
   * the other nodes are learned from it, and `peers` need only hold this node.
   */
  join?: string;
}

/** Raft timing: time is ticks of `tickMs`. */
export interface NodeTuning {
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** How often leaders look at whether their partitions' preferred leaders should lead again. */
  balanceIntervalMs: number;
  /** How often retention is applied. */
  retentionIntervalMs: number;
  /**
   * Catch-up bytes per second this node sends to lagging followers, over all of them (0: no
   * limit), as Kafka's follower replication throttle; FLOTILLA_CATCHUP_MBPS sets it in MiB/s.
   */
  catchUpBytesPerSec: number;
}

export const DEFAULT_TUNING: NodeTuning = { tickMs: 100, electionTicks: 10, heartbeatTicks: 2, balanceIntervalMs: 3000, retentionIntervalMs: 10_000, catchUpBytesPerSec: 0 };

export interface NodeOptions extends NodeStartOptions {
  tuning?: Partial<NodeTuning>;
  /** Defaults to one derived from the initial peer list, so every node of a cluster agrees. */
  clusterId?: string;
  log?: (line: string) => void;
  /** The store failed: by default the process exits (fail-stop), as its writes may not be durable. */
  onFatal?: (error: unknown) => void;
}

/** `tuning` with the tick and election timing that FLOTILLA_TICK_MS and FLOTILLA_ELECTION_TICKS set, where it sets none. */
export function tuningFromEnv(tuning: Partial<NodeTuning> | undefined, env: NodeJS.ProcessEnv): Partial<NodeTuning> {
  const fromEnv = (name: string) => (env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined);
  const out: Partial<NodeTuning> = { ...tuning };
  out.tickMs ??= fromEnv('FLOTILLA_TICK_MS');
  out.electionTicks ??= fromEnv('FLOTILLA_ELECTION_TICKS');
  const mbps = fromEnv('FLOTILLA_CATCHUP_MBPS');
  out.catchUpBytesPerSec ??= mbps === undefined ? undefined : mbps * (1 << 20);
  for (const k of Object.keys(out) as Array<keyof NodeTuning>) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * How long a node counts as alive after a frame from it: two election timeouts. Every node sends
 * every other an empty frame per idle heartbeat interval, so this holds without shared groups.
 */
export function livenessWindowMs(t: NodeTuning): number {
  return t.tickMs * t.electionTicks * 2;
}

/** How long a metadata read may wait for a leader: a few elections (a restart, a failover). */
export function metadataReadWaitMs(t: NodeTuning): number {
  return Math.max(1000, 3 * t.tickMs * t.electionTicks);
}
