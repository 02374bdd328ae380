import type { Rng } from '../rng';
import type { Message, NodeId } from '../types';

interface InFlight {
  at: number;
  seq: number;
  m: Message;
}

/** Conditions of the network from now on: loss and duplication in percent, delay of 1..maxDelay ticks. */
export interface NetConditions {
  loss: number;
  dup: number;
  maxDelay: number;
}

export const CALM: NetConditions = { loss: 0, dup: 0, maxDelay: 3 };

/**
 * The virtual network. Every message waits in a queue until its delivery time (a random delay,
 * so messages reorder), may be lost or duplicated, and crosses a link only if the link is up
 * both when it is sent and when it arrives: cutting a link loses what was in flight on it, as a
 * real partition does. Links are directed, so one-way cuts are possible.
 */
export class VirtualNetwork {
  private queue: InFlight[] = [];
  private seq = 0;
  private readonly cut = new Set<number>();
  conditions: NetConditions = { ...CALM };

  constructor(private readonly rng: Rng) {}

  private static link(from: NodeId, to: NodeId): number {
    return from * 1024 + to;
  }

  blocked(from: NodeId, to: NodeId): boolean {
    return this.cut.has(VirtualNetwork.link(from, to));
  }

  cutLink(from: NodeId, to: NodeId): void {
    if (from !== to) this.cut.add(VirtualNetwork.link(from, to));
  }

  /** Split `ids` into two sides (bit i of mask: side of ids[i]); no message crosses between them. */
  partition(ids: readonly NodeId[], mask: number): void {
    this.cut.clear();
    ids.forEach((a, i) => {
      ids.forEach((b, j) => {
        if (((mask >> i) & 1) !== ((mask >> j) & 1)) this.cutLink(a, b);
      });
    });
  }

  heal(): void {
    this.cut.clear();
  }

  send(m: Message, now: number): void {
    if (this.blocked(m.from, m.to)) return;
    const { loss, dup, maxDelay } = this.conditions;
    if (this.rng.int(100) < loss) return;
    const copies = this.rng.int(100) < dup ? 2 : 1;
    for (let i = 0; i < copies; i++) this.queue.push({ at: now + 1 + this.rng.int(maxDelay), seq: this.seq++, m });
  }

  /** Take every message due by `now`, in delivery order, dropping those whose link is cut. */
  takeDue(now: number): Message[] {
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const f of this.queue) (f.at <= now ? due : later).push(f);
    this.queue = later;
    due.sort((x, y) => x.at - y.at || x.seq - y.seq);
    return due.filter((f) => !this.blocked(f.m.from, f.m.to)).map((f) => f.m);
  }

  get inFlight(): number {
    return this.queue.length;
  }
}
