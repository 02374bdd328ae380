import * as grpc from '@grpc/grpc-js';
import { FAILOVER_CHANNEL_OPTIONS } from '../../proto/load';
import type { Message, NodeId } from '../../raft';
import type { GroupMessage } from './codec';
import { SnapshotSender, type SnapshotClientLike } from './snapshot-sender';

/** How frames are written and read (raftFrameCodec in production). */
export interface BatchCodec {
  encode(batch: readonly GroupMessage[]): Uint8Array;
  decode(bytes: Uint8Array): GroupMessage[];
}

/** A frame of the Raft stream (peer.proto's RaftBatch). */
export interface RaftFrame {
  payload: Buffer;
}

/** The Raft stream's answer direction carries nothing (google.protobuf.Empty): its end is all the sender watches. */
export type NoReply = Record<string, never>;

/** The client side of the Peer service (its Raft stream and SendSnapshot), as the proto loader builds it. */
export interface PeerClientLike extends grpc.Client, SnapshotClientLike {
  raft(metadata?: grpc.Metadata): grpc.ClientDuplexStream<RaftFrame, NoReply>;
}

/** Call metadata of the Raft stream naming the sending node, so that an empty frame says who is alive. */
export const PEER_FROM_KEY = 'flotilla-peer-from';

export interface PeerTransportOptions {
  self: NodeId;
  peers: ReadonlyMap<NodeId, string>;
  codec: BatchCodec;
  newClient: (address: string) => PeerClientLike;
  /** The stream to `peer` is down or backed up: Raft should stop pipelining to it. */
  unreachable: (peer: NodeId, groups: ReadonlySet<number>) => void;
  /** Bytes queued for one peer beyond which new messages are dropped (Raft retransmits). */
  maxQueuedBytes?: number;
  /**
   * A snapshot streamed to `peer` for `group` was acknowledged (ok) or failed: the host tells the
   * group's Raft node (reportSnapshot), which sends nothing more to that follower until then (or
   * until its snapshot timeout of 4 election timeouts).
   */
  snapshotDone?: (peer: NodeId, group: number, ok: boolean) => void;
  /** Bytes of snapshot data per SendSnapshot chunk (default 1 MiB). */
  snapshotChunkBytes?: number;
  /** Deadline of one snapshot transfer (default 5 minutes). */
  snapshotTimeoutMs?: number;
  /**
   * Bytes of catch-up appends (isCatchUp) this node holds back or has handed to gRPC unsent, over
   * all its peers; beyond it a new one is dropped and its group told the peer is unreachable
   * (default 32 MiB).
   */
  maxCatchUpBytes?: number;
  /** Bytes of catch-up appends handed to one peer's stream and not yet sent (default 2 MiB). */
  maxCatchUpInWireBytes?: number;
  /**
   * Catch-up bytes this node writes per second over all its peers (0 or absent: no limit), as
   * Kafka's follower replication throttle: a follower catching up then takes that much of the
   * leader's disk reads, CPU and network, and live replication the rest.
   */
  catchUpBytesPerSecond?: number;
  /** Time for the rate limit (tests); the process's clock and timers by default. */
  clock?: { now(): number; after(ms: number, fn: () => void): void };
}

/** Catch-up frames are cut at about this many bytes of entry data, so live frames can go between them. */
export const CATCH_UP_FRAME_BYTES = 1 << 20;

/**
 * An append carrying only entries the leader had already committed when it sent it: the follower
 * is not needed for those (a quorum has them), it is catching up. Live appends carry new entries
 * (beyond the commit index); heartbeats, votes and answers are live too.
 */
export function isCatchUp(m: Message): boolean {
  return m.type === 'append' && m.entries.length > 0 && m.entries[m.entries.length - 1].index <= m.commit;
}

/** The node's bytes of catch-up appends held or in the wire, over all peer links, and their rate. */
class CatchUpBudget {
  used = 0;
  private tokens: number;
  private last: number;
  private readonly waiting = new Set<{ pump(): void }>();
  private wakeAt = 0;

  constructor(
    readonly max: number,
    private readonly rate: number,
    private readonly clock: { now(): number; after(ms: number, fn: () => void): void },
  ) {
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** One second of the rate, and at least one frame, may go at once. */
  private get burst(): number {
    return Math.max(this.rate, CATCH_UP_FRAME_BYTES);
  }

  /**
   * Whether `bytes` of catch-up may be written now (taken from the rate if so). If not, `link` is
   * pumped again once the rate allows: one timer for the whole node, never one per group.
   */
  take(bytes: number, link: { pump(): void }): boolean {
    if (this.rate <= 0) return true;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens >= Math.min(bytes, this.burst)) {
      this.tokens -= bytes; // may go below zero for a frame above the burst: the next ones wait longer
      return true;
    }
    this.waiting.add(link);
    const wait = Math.ceil(((Math.min(bytes, this.burst) - this.tokens) * 1000) / this.rate);
    if (this.wakeAt === 0 || now + wait < this.wakeAt) {
      this.wakeAt = now + wait;
      this.clock.after(wait, () => {
        this.wakeAt = 0;
        const links = [...this.waiting];
        this.waiting.clear();
        for (const l of links) l.pump();
      });
    }
    return false;
  }
}

const processClock = {
  now: () => Date.now(),
  after: (ms: number, fn: () => void) => {
    setTimeout(fn, ms).unref();
  },
};

/** Failover options, and room for a frame carrying many groups' entries. */
export const PEER_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...FAILOVER_CHANNEL_OPTIONS,
  'grpc.max_receive_message_length': 256 << 20,
  'grpc.max_send_message_length': 256 << 20,
};

/**
 * One outgoing gRPC stream per peer carrying the messages of every group, batched: all messages a
 * Ready cycle produces for a peer go out as one frame, so heartbeats of idle groups are coalesced
 * into that frame rather than costing a call each. Back-pressure: when the stream's buffer is full
 * or the peer is down, frames queue up to a byte limit, then messages are dropped and the groups
 * are told the peer is unreachable (Raft's own retransmission takes over).
 *
 * Two priorities per link: live messages are written at once; catch-up appends (isCatchUp: entries
 * the leader had committed already, for a follower that lags) wait in a queue of their own and go
 * out in frames of about CATCH_UP_FRAME_BYTES, only while no live frame of the link is waiting in
 * the stream and fewer than maxCatchUpInWireBytes of them are. A group with catch-up appends
 * queued queues its later appends behind them too, so one group's appends keep their order.
 * Over all links, catch-up appends held or in the wire are capped (maxCatchUpBytes): beyond, they
 * are dropped and reported unreachable like any other drop.
 *
 * Snapshot messages never go in a frame: each is streamed in chunks over its own SendSnapshot
 * call (SnapshotSender), at most one in flight per (peer, group), and its outcome is reported
 * through `snapshotDone`.
 *
 * Liveness: heartbeat(), called by the host once per heartbeat interval, sends an empty frame on
 * every link that carried nothing since the previous call. Every node thus hears from every other
 * node (followers of the same groups never message each other; nodes sharing no group not at all)
 * at one tiny frame per peer and interval, with no timer and no message per group.
 */
export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly catchUp: CatchUpBudget;

  constructor(private readonly opts: PeerTransportOptions) {
    this.catchUp = new CatchUpBudget(opts.maxCatchUpBytes ?? 32 << 20, opts.catchUpBytesPerSecond ?? 0, opts.clock ?? processClock);
    for (const [id, address] of opts.peers) {
      if (id !== opts.self) this.links.set(id, new PeerLink(id, address, opts, this.catchUp));
    }
  }

  /** A node that joined the cluster after this one started (the metadata registered it). */
  addPeer(id: NodeId, address: string): void {
    if (id !== this.opts.self && !this.links.has(id)) this.links.set(id, new PeerLink(id, address, this.opts, this.catchUp));
  }

  /** Bytes of catch-up appends held back or in the wire, over all links (for tests and metrics). */
  get catchUpBytes(): number {
    return this.catchUp.used;
  }

  send(group: number, message: Message): void {
    this.links.get(message.to)?.enqueue({ group, message });
  }

  flush(): void {
    for (const link of this.links.values()) link.flush();
  }

  /** An empty frame on every link that has carried nothing since the last call (node liveness). */
  heartbeat(): void {
    for (const link of this.links.values()) link.heartbeat();
  }

  close(): void {
    for (const link of this.links.values()) link.close();
  }

  /**
   * Serve the receiving side: decode each frame and hand its messages to the node. An empty
   * frame (a liveness heartbeat) is delivered as no messages from the node the stream's caller
   * named itself as.
   */
  static serve(codec: BatchCodec, deliver: (from: NodeId, messages: GroupMessage[]) => void) {
    return (call: grpc.ServerDuplexStream<RaftFrame, NoReply>) => {
      const named = Number(call.metadata.get(PEER_FROM_KEY)[0]);
      const caller = Number.isInteger(named) && named > 0 ? named : undefined;
      call.on('data', (frame: RaftFrame) => {
        let messages: GroupMessage[];
        try {
          messages = codec.decode(frame.payload);
        } catch {
          call.destroy(new Error('malformed raft frame'));
          return;
        }
        if (messages.length > 0) deliver(messages[0].message.from, messages);
        else if (caller !== undefined) deliver(caller, messages);
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    };
  }
}

/** A frame of catch-up appends waiting for its turn. */
interface CatchUpFrame {
  payload: Buffer;
  groups: Set<number>;
}

class PeerLink {
  private closed = false;
  private pending: GroupMessage[] = [];
  private pendingSnapshots: GroupMessage[] = [];
  private readonly snapshots: SnapshotSender;
  private stream: ReturnType<PeerClientLike['raft']> | undefined;
  private client: PeerClientLike | undefined;
  private queuedBytes = 0;
  private backedUp = false;
  /** A frame went out since the last heartbeat() (then no empty frame is needed). */
  private wrote = false;
  private readonly maxQueuedBytes: number;
  private readonly maxCatchUpInWire: number;
  /** Catch-up frames waiting, and how many of them carry each group. */
  private catchUp: CatchUpFrame[] = [];
  private readonly catchUpGroups = new Map<number, number>();
  /** Bytes written to the current stream and not yet sent: live frames, catch-up frames. */
  private liveInWire = 0;
  private catchUpInWire = 0;

  constructor(
    private readonly id: NodeId,
    private readonly address: string,
    private readonly opts: PeerTransportOptions,
    private readonly budget: CatchUpBudget,
  ) {
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 64 << 20;
    this.maxCatchUpInWire = opts.maxCatchUpInWireBytes ?? 2 << 20;
    this.snapshots = new SnapshotSender(id, () => this.ensureClient(), {
      chunkBytes: opts.snapshotChunkBytes,
      timeoutMs: opts.snapshotTimeoutMs,
      done: opts.snapshotDone,
    });
  }

  enqueue(m: GroupMessage): void {
    if (m.message.type === 'snapshot') this.pendingSnapshots.push(m);
    else this.pending.push(m);
  }

  flush(): void {
    if (this.closed) {
      // The node is stopping: a ready cycle still finishing must not reopen the channel.
      this.pending = [];
      this.pendingSnapshots = [];
      return;
    }
    if (this.pendingSnapshots.length > 0) {
      const snaps = this.pendingSnapshots;
      this.pendingSnapshots = [];
      for (const { group, message } of snaps) {
        if (message.type === 'snapshot') this.snapshots.send(group, message);
      }
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const live: GroupMessage[] = [];
    const behind: GroupMessage[] = [];
    const behindGroups = new Set<number>();
    for (const m of batch) {
      // An append of a group with catch-up appends waiting goes behind them (appends in order).
      if (isCatchUp(m.message) || (m.message.type === 'append' && (this.catchUpGroups.has(m.group) || behindGroups.has(m.group)))) {
        behind.push(m);
        behindGroups.add(m.group);
      } else live.push(m);
    }
    if (live.length > 0) {
      if (this.backedUp && this.queuedBytes > this.maxQueuedBytes) this.opts.unreachable(this.id, new Set(live.map((e) => e.group)));
      else this.write(Buffer.from(this.opts.codec.encode(live)), false);
    }
    if (behind.length > 0) this.queueCatchUp(behind);
    this.pump();
  }

  /** Frames of about CATCH_UP_FRAME_BYTES each, queued while the node's budget allows. */
  private queueCatchUp(messages: GroupMessage[]): void {
    const dropped = new Set<number>();
    let frame: GroupMessage[] = [];
    let bytes = 0;
    const cut = () => {
      if (frame.length === 0) return;
      const payload = Buffer.from(this.opts.codec.encode(frame));
      const groups = new Set(frame.map((e) => e.group));
      frame = [];
      bytes = 0;
      if (this.budget.used + payload.length > this.budget.max && this.budget.used > 0) {
        for (const g of groups) dropped.add(g);
        return;
      }
      this.budget.used += payload.length;
      this.catchUp.push({ payload, groups });
      for (const g of groups) this.catchUpGroups.set(g, (this.catchUpGroups.get(g) ?? 0) + 1);
    };
    for (const m of messages) {
      if (dropped.has(m.group)) continue; // after a drop, the rest of the group's appends would only leave a gap
      frame.push(m);
      if (m.message.type === 'append') for (const e of m.message.entries) bytes += e.data.length;
      if (bytes >= CATCH_UP_FRAME_BYTES) cut();
    }
    cut();
    if (dropped.size > 0) this.opts.unreachable(this.id, dropped);
  }

  /** Write waiting catch-up frames while the link has no live frame in the stream, room for them, and the node's catch-up rate allows. */
  pump(): void {
    while (this.catchUp.length > 0 && !this.closed && this.liveInWire === 0 && !this.backedUp && this.catchUpInWire < this.maxCatchUpInWire) {
      if (!this.budget.take(this.catchUp[0].payload.length, this)) return;
      const frame = this.catchUp.shift()!;
      for (const g of frame.groups) {
        const n = this.catchUpGroups.get(g)! - 1;
        if (n === 0) this.catchUpGroups.delete(g);
        else this.catchUpGroups.set(g, n);
      }
      this.write(frame.payload, true);
    }
  }

  heartbeat(): void {
    const idle = !this.wrote;
    this.wrote = false;
    // A backed-up stream has frames queued already; they say we are alive once they arrive.
    if (this.closed || !idle || this.backedUp) return;
    this.write(Buffer.from(this.opts.codec.encode([])), false);
  }

  private write(payload: Buffer, catchUp: boolean): void {
    this.wrote = true;
    const stream = this.ensureStream();
    const bytes = payload.length;
    this.queuedBytes += bytes;
    if (catchUp) this.catchUpInWire += bytes;
    else this.liveInWire += bytes;
    const ok = stream.write({ payload }, () => {
      if (this.stream !== stream) return; // reset: the accounts were settled then
      this.queuedBytes -= bytes;
      if (catchUp) {
        this.catchUpInWire -= bytes;
        this.budget.used -= bytes;
      } else this.liveInWire -= bytes;
      this.pump();
    });
    if (!ok && !this.backedUp) {
      this.backedUp = true;
      stream.once('drain', () => {
        if (this.stream !== stream) return;
        this.backedUp = false;
        this.pump();
      });
    }
  }

  private ensureStream(): ReturnType<PeerClientLike['raft']> {
    if (this.stream) return this.stream;
    const named = new grpc.Metadata();
    named.set(PEER_FROM_KEY, String(this.opts.self));
    const stream = this.ensureClient().raft(named);
    const reset = () => {
      if (this.stream === stream) this.resetStream();
    };
    stream.on('error', reset);
    stream.on('end', reset);
    stream.on('data', () => undefined);
    this.stream = stream;
    return stream;
  }

  /**
   * The stream ended: what it had not sent is lost (Raft retransmits), and so are the catch-up
   * frames still waiting: their groups are told the peer is unreachable, to probe it again.
   */
  private resetStream(): void {
    this.stream = undefined;
    this.queuedBytes = 0;
    this.backedUp = false;
    this.liveInWire = 0;
    this.budget.used -= this.catchUpInWire;
    this.catchUpInWire = 0;
    const groups = this.dropCatchUp();
    if (groups.size > 0 && !this.closed) this.opts.unreachable(this.id, groups);
  }

  private dropCatchUp(): Set<number> {
    const groups = new Set<number>();
    for (const frame of this.catchUp) {
      this.budget.used -= frame.payload.length;
      for (const g of frame.groups) groups.add(g);
    }
    this.catchUp = [];
    this.catchUpGroups.clear();
    return groups;
  }

  private ensureClient(): PeerClientLike {
    this.client ??= this.opts.newClient(this.address);
    return this.client;
  }

  close(): void {
    this.closed = true;
    this.snapshots.close();
    this.dropCatchUp();
    if (this.stream) {
      this.budget.used -= this.catchUpInWire;
      this.catchUpInWire = 0;
    }
    this.stream?.end();
    this.client?.close();
  }
}
