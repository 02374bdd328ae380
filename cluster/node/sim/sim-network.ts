import type { Message, NodeId, Rng } from '../../../raft';
import { decodeRaftFrame, encodeRaftFrame, type GroupMessage, SnapshotAssembler, snapshotChunks, type SnapshotMessage } from '../../transport';
import type { Transport } from '../multi-raft';
import type { VirtualTime } from './virtual-time';

/** Conditions of the network from now on: loss and duplication in percent, delay of 1..maxDelay ms. */
export interface NetConditions {
  loss: number;
  dup: number;
  maxDelay: number;
}

export const CALM_NET: NetConditions = { loss: 0, dup: 0, maxDelay: 3 };

/** What a host does with what reaches it. */
export interface NetEndpoint {
  /** Whether the host is up and serving (a frame to a dead or starting host is lost). */
  readonly reachable: boolean;
  frame(from: NodeId, bytes: Uint8Array): void;
  /** A whole snapshot stream arrived; true if the receiver took it (its acknowledgement). */
  snapshot(from: NodeId, group: number, message: SnapshotMessage): boolean;
  /** The sender learns how its snapshot transfer to `peer` ended. */
  snapshotDone(peer: NodeId, group: number, ok: boolean): void;
}

/** Bytes per snapshot chunk in the simulation: small, so streams have many chunks. */
const SIM_CHUNK_BYTES = 512;

/**
 * The simulated network between hosts, carrying the real peer-transport framing: each host's
 * Ready cycle queues messages per peer, flush() encodes one frame per peer with the production
 * codec, and the frame crosses a directed link after a random delay (so frames reorder), may be
 * lost or duplicated, and arrives only if the link is up both when sent and when it arrives (a
 * cut loses what was in flight). Snapshots travel as their own chunked stream (SendSnapshot), one
 * at a time per (peer, group), acknowledged or failed back to the sender, as in production.
 */
export class SimNetwork {
  private readonly endpoints = new Map<NodeId, NetEndpoint>();
  private readonly cut = new Set<number>();
  private readonly snapshotsInFlight = new Set<string>();
  conditions: NetConditions = { ...CALM_NET };
  readonly stats = { frames: 0, framesLost: 0, messages: 0, snapshots: 0, snapshotsFailed: 0 };

  constructor(
    private readonly time: VirtualTime,
    private readonly rng: Rng,
  ) {}

  attach(id: NodeId, endpoint: NetEndpoint): void {
    this.endpoints.set(id, endpoint);
  }

  private static link(from: NodeId, to: NodeId): number {
    return from * 1024 + to;
  }

  blocked(from: NodeId, to: NodeId): boolean {
    return this.cut.has(SimNetwork.link(from, to));
  }

  cutLink(from: NodeId, to: NodeId): void {
    if (from !== to) this.cut.add(SimNetwork.link(from, to));
  }

  /** Split `ids` into two sides (bit i of mask: side of ids[i]); no frame crosses. Replaces any cut. */
  partition(ids: readonly NodeId[], mask: number): void {
    this.cut.clear();
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < ids.length; j++) if (((mask >> i) & 1) !== ((mask >> j) & 1)) this.cutLink(ids[i], ids[j]);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  describeCuts(): string {
    return [...this.cut].map((l) => `${Math.floor(l / 1024)}->${l % 1024}`).join(' ') || 'none';
  }

  /** The Transport a host's MultiRaft sends through. */
  transport(self: NodeId): Transport {
    let queued = new Map<NodeId, GroupMessage[]>();
    return {
      send: (group: number, message: Message) => {
        if (message.type === 'snapshot') {
          this.sendSnapshot(self, group, message);
          return;
        }
        const list = queued.get(message.to);
        if (list) list.push({ group, message });
        else queued.set(message.to, [{ group, message }]);
      },
      flush: () => {
        const out = queued;
        queued = new Map();
        for (const [to, batch] of out) this.sendFrame(self, to, encodeRaftFrame(batch), batch.length);
      },
    };
  }

  private sendFrame(from: NodeId, to: NodeId, bytes: Uint8Array, messages: number): void {
    this.stats.frames++;
    this.stats.messages += messages;
    if (this.blocked(from, to) || this.rng.int(100) < this.conditions.loss) {
      this.stats.framesLost++;
      return;
    }
    const copies = this.rng.int(100) < this.conditions.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.time.after(1 + this.rng.int(this.conditions.maxDelay), () => {
        const dest = this.endpoints.get(to);
        if (!dest?.reachable || this.blocked(from, to)) return;
        dest.frame(from, bytes);
      });
    }
  }

  /**
   * One SendSnapshot stream: chunks encoded as production does, reassembled and checked by the
   * receiver's SnapshotAssembler; lost (and reported failed) if the link is cut or the receiver
   * is down at any point, or by the loss rate.
   */
  private sendSnapshot(from: NodeId, group: number, message: SnapshotMessage): void {
    const key = `${from}>${message.to}/${group}`;
    if (this.snapshotsInFlight.has(key)) return; // one transfer per (peer, group); Raft resends later
    this.snapshotsInFlight.add(key);
    this.stats.snapshots++;
    const chunks = [...snapshotChunks(group, message, SIM_CHUNK_BYTES)];
    const to = message.to;
    const done = (ok: boolean) => {
      this.snapshotsInFlight.delete(key);
      if (!ok) this.stats.snapshotsFailed++;
      const sender = this.endpoints.get(from);
      if (sender?.reachable) sender.snapshotDone(to, group, ok);
    };
    const transfer = 1 + this.rng.int(this.conditions.maxDelay) + chunks.length;
    this.time.after(transfer, () => {
      const dest = this.endpoints.get(to);
      if (!dest?.reachable || this.blocked(from, to) || this.rng.int(100) < this.conditions.loss) {
        this.time.after(this.conditions.maxDelay + 5, () => done(false));
        return;
      }
      const assembler = new SnapshotAssembler();
      for (const c of chunks) assembler.push(c);
      const rebuilt = assembler.finish();
      const taken = dest.snapshot(from, rebuilt.group, rebuilt.message);
      this.time.after(1 + this.rng.int(this.conditions.maxDelay), () => done(taken && !this.blocked(to, from)));
    });
  }

  /** Decode a frame exactly as the peer server does. */
  static decode(bytes: Uint8Array): GroupMessage[] {
    return decodeRaftFrame(bytes);
  }
}
