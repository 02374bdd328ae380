import type * as grpc from '@grpc/grpc-js';
import type { SnapshotAck, SnapshotChunk } from '../../proto/load';
import { DEFAULT_MAX_SNAPSHOT_BYTES, SnapshotAssembler, type SnapshotMessage, SnapshotStreamError } from './snapshot-chunks';

export interface SnapshotReceiverOptions {
  /** The largest snapshot accepted (default 1 GiB). */
  maxBytes?: number;
}

/**
 * Hand a rebuilt snapshot message to its group. Returns undefined once the group has it, or why
 * it could not (no Raft host yet, group not hosted here): that is the ack's error.
 */
export type DeliverSnapshot = (group: number, message: SnapshotMessage) => string | undefined;

/**
 * The server side of the Peer service's SendSnapshot: reassemble the chunks (SnapshotAssembler
 * checks the stream), then deliver the snapshot message and answer ok. A malformed stream is
 * answered at once with ok = false and the reason; the rest of it is ignored. The ack means the
 * group's Raft node has the message: the follower's own Raft answer (an append response at the
 * snapshot's index, once installed and persisted) is what moves the leader on.
 */
export function serveSnapshots(deliver: DeliverSnapshot, opts: SnapshotReceiverOptions = {}) {
  return (call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>, callback: grpc.sendUnaryData<SnapshotAck>): void => {
    const assembler = new SnapshotAssembler(opts.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES);
    let answered = false;
    const answer = (ack: SnapshotAck) => {
      if (answered) return;
      answered = true;
      callback(null, ack);
    };
    const refuse = (e: unknown) => {
      if (e instanceof SnapshotStreamError) answer({ ok: false, error: e.message });
      else answer({ ok: false, error: `snapshot stream refused: ${e instanceof Error ? e.message : String(e)}` });
    };
    call.on('data', (chunk: SnapshotChunk) => {
      if (answered) return; // refused: drain and drop the rest
      try {
        assembler.push(chunk);
      } catch (e) {
        refuse(e);
      }
    });
    call.on('end', () => {
      if (answered) return;
      let rebuilt;
      try {
        rebuilt = assembler.finish();
      } catch (e) {
        refuse(e);
        return;
      }
      const why = deliver(rebuilt.group, rebuilt.message);
      answer(why === undefined ? { ok: true, error: '' } : { ok: false, error: `snapshot of group ${rebuilt.group} not delivered: ${why}` });
    });
    // A cancelled or broken stream: the sender sees the failure itself; nothing to answer.
    call.on('error', () => {
      answered = true;
    });
  };
}
