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
}

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

  constructor(private readonly opts: PeerTransportOptions) {
    for (const [id, address] of opts.peers) {
      if (id !== opts.self) this.links.set(id, new PeerLink(id, address, opts));
    }
  }

  /** A node that joined the cluster after this one started (the metadata registered it). */
  addPeer(id: NodeId, address: string): void {
    if (id !== this.opts.self && !this.links.has(id)) this.links.set(id, new PeerLink(id, address, this.opts));
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

  constructor(
    private readonly id: NodeId,
    private readonly address: string,
    private readonly opts: PeerTransportOptions,
  ) {
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 64 << 20;
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
    if (this.backedUp && this.queuedBytes > this.maxQueuedBytes) {
      this.opts.unreachable(this.id, new Set(batch.map((e) => e.group)));
      return;
    }
    this.write(Buffer.from(this.opts.codec.encode(batch)));
  }

  heartbeat(): void {
    const idle = !this.wrote;
    this.wrote = false;
    // A backed-up stream has frames queued already; they say we are alive once they arrive.
    if (this.closed || !idle || this.backedUp) return;
    this.write(Buffer.from(this.opts.codec.encode([])));
  }

  private write(payload: Buffer): void {
    this.wrote = true;
    const stream = this.ensureStream();
    this.queuedBytes += payload.length;
    const ok = stream.write({ payload }, () => {
      this.queuedBytes -= payload.length;
    });
    if (!ok && !this.backedUp) {
      this.backedUp = true;
      stream.once('drain', () => {
        this.backedUp = false;
      });
    }
  }

  private ensureStream(): ReturnType<PeerClientLike['raft']> {
    if (this.stream) return this.stream;
    const named = new grpc.Metadata();
    named.set(PEER_FROM_KEY, String(this.opts.self));
    const stream = this.ensureClient().raft(named);
    const reset = () => {
      if (this.stream === stream) {
        this.stream = undefined;
        this.queuedBytes = 0;
        this.backedUp = false;
      }
    };
    stream.on('error', reset);
    stream.on('end', reset);
    stream.on('data', () => undefined);
    this.stream = stream;
    return stream;
  }

  private ensureClient(): PeerClientLike {
    this.client ??= this.opts.newClient(this.address);
    return this.client;
  }

  close(): void {
    this.closed = true;
    this.snapshots.close();
    this.stream?.end();
    this.client?.close();
  }
}
