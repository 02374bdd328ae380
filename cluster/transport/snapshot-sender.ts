import * as grpc from '@grpc/grpc-js';
import type { SnapshotAck, SnapshotChunk } from '../../proto/load';
import type { NodeId } from '../../raft';
import { DEFAULT_SNAPSHOT_CHUNK_BYTES, snapshotChunks, type SnapshotMessage } from './snapshot-chunks';

/** The client side of the Peer service's SendSnapshot call, as the proto loader builds it. */
export interface SnapshotClientLike {
  sendSnapshot(
    metadata: grpc.Metadata,
    options: Partial<grpc.CallOptions>,
    callback: grpc.requestCallback<SnapshotAck>,
  ): grpc.ClientWritableStream<SnapshotChunk>;
}

export interface SnapshotSenderOptions {
  /** Bytes of snapshot data per chunk (default 1 MiB). */
  chunkBytes?: number;
  /** Deadline of one whole transfer (default 5 minutes). */
  timeoutMs?: number;
  /** The transfer of `group`'s snapshot to `peer` finished: acknowledged (ok) or failed. */
  done?: (peer: NodeId, group: number, ok: boolean) => void;
}

export const DEFAULT_SNAPSHOT_TIMEOUT_MS = 5 * 60_000;

/**
 * Streams snapshot messages to one peer over SendSnapshot, at most one in flight per group: Raft
 * sends a group's next snapshot only after the previous one was reported (or timed out), so a
 * second one while the first still streams is dropped; the first one's report moves Raft on.
 * Chunks are written as the stream drains (no more than gRPC's buffer is queued), and the
 * outcome goes to `done` (ack.ok, or false on a refusal, an error or the deadline).
 */
export class SnapshotSender {
  private readonly inFlight = new Map<number, grpc.ClientWritableStream<SnapshotChunk>>();
  private closed = false;

  constructor(
    private readonly peer: NodeId,
    private readonly client: () => SnapshotClientLike,
    private readonly opts: SnapshotSenderOptions = {},
  ) {}

  /** Start streaming; false if this group already has a snapshot in flight (the new one is dropped). */
  send(group: number, message: SnapshotMessage): boolean {
    if (this.closed || this.inFlight.has(group)) return false;
    const chunks = snapshotChunks(group, message, this.opts.chunkBytes ?? DEFAULT_SNAPSHOT_CHUNK_BYTES);
    let first: IteratorResult<SnapshotChunk>;
    try {
      first = chunks.next(); // encodes the header: a message the codec cannot carry fails here
    } catch {
      setImmediate(() => {
        if (!this.closed) this.opts.done?.(this.peer, group, false);
      });
      return false;
    }
    let finished = false;
    let call: grpc.ClientWritableStream<SnapshotChunk> | undefined;
    const settle = (ok: boolean): void => {
      if (finished) return;
      finished = true;
      if (call !== undefined && this.inFlight.get(group) === call) this.inFlight.delete(group);
      if (!this.closed) this.opts.done?.(this.peer, group, ok);
    };
    const deadline = Date.now() + (this.opts.timeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS);
    call = this.client().sendSnapshot(new grpc.Metadata(), { deadline }, (err, ack) => settle(!err && ack?.ok === true));
    if (finished) return true; // failed at once
    const stream = call;
    stream.on('error', () => undefined); // reported through the callback
    this.inFlight.set(group, stream);
    let next = first;
    const pump = (): void => {
      while (!finished) {
        if (next.done) {
          stream.end();
          return;
        }
        const ok = stream.write(next.value);
        next = chunks.next();
        if (!ok) {
          stream.once('drain', pump);
          return;
        }
      }
    };
    pump();
    return true;
  }

  /** Cancel every transfer; nothing more is reported. */
  close(): void {
    this.closed = true;
    for (const call of this.inFlight.values()) call.cancel();
    this.inFlight.clear();
  }
}

