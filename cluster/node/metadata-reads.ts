import * as grpc from '@grpc/grpc-js';
import type { NodeId, ReadState, SoftState } from '../../raft';
import { RpcError } from './rpc-errors';

/** What linearizable metadata reads need of the node. */
export interface MetadataReadsHost {
  readonly self: NodeId;
  /** The metadata group's leader as this node's Raft sees it (0 = none known). */
  leader(): NodeId;
  /** Starts a ReadIndex round on this node's metadata group; throws if this node does not lead it. */
  readIndex(ctx: Uint8Array): void;
  /** Asks the metadata leader `leader` for its confirmed commit index (Peer.MetadataReadIndex). */
  forward(leader: NodeId, deadline: number): Promise<number>;
  appliedIndex(): number;
  /** Resolves once this node has applied the metadata log through `index`; rejects at `deadline`. */
  waitApplied(index: number, deadline: number): Promise<void>;
  /** Whether a quorum of the metadata group's voters has been heard from lately (this node counts if it votes). */
  quorumHeard(): boolean;
  /** The metadata leader's id and address, for messages. */
  describeLeader(id: NodeId): string;
}

export interface MetadataReadsTiming {
  /** Longest a ReadIndex round (local or forwarded) may take before it is given up and retried. */
  roundTimeoutMs: number;
  /** Pause between attempts while no leader is known or an attempt failed. */
  retryMs: number;
  /**
   * Until this long after started(), a node that has heard from no quorum still waits rather than
   * answering at once: its peers' first heartbeats are on their way (after a restart, their
   * channels reconnect with a backoff of up to a second).
   */
  startupGraceMs: number;
}

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Runs `run` for the callers that ask, one run at a time. A caller always joins a run that starts
 * after it asked, never one already under way: that run's answer could predate the caller's
 * request, and a read must reflect every change committed before it was made. A run starts a
 * microtask after its first caller asked, so the callers of one event-loop turn share it;
 * concurrent reads thus share rounds, and a read waits for at most two.
 */
class Coalescer<T> {
  private waiting: Array<Deferred<T>> = [];
  private running = false;
  private kickQueued = false;

  constructor(private readonly run: () => Promise<T>) {}

  next(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.kickQueued) return;
      this.kickQueued = true;
      queueMicrotask(() => {
        this.kickQueued = false;
        this.kick();
      });
    });
  }

  private kick(): void {
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    let round: Promise<T>;
    try {
      round = this.run();
    } catch (e) {
      round = Promise.reject(e);
    }
    round
      .then(
        (v) => {
          for (const d of batch) d.resolve(v);
        },
        (e) => {
          for (const d of batch) d.reject(e);
        },
      )
      .finally(() => {
        this.running = false;
        this.kick();
      });
  }
}

class ReadTimeout extends Error {}

/** `p`, or a ReadTimeout at `deadline` (p keeps running; its result is dropped). */
function within<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ReadTimeout('deadline')), Math.max(0, deadline - Date.now()));
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Linearizable reads of this node's metadata (the controller state of group 0), the metadata
 * read path of ListTopics, DescribeTopic and DescribeCluster: before reading its own copy, the
 * node learns the metadata log's commit index through Raft's ReadIndex (as leader: a quorum
 * confirms it still leads; as follower: forwarded to the leader with Peer.MetadataReadIndex) and
 * waits until it has applied that far. A read so never shows a state older than one the cluster
 * had committed when the read began, nor older than any this node showed before (a node that
 * restarted, or lags, waits instead of answering from its stale copy). A node that cannot get the
 * index in time answers UNAVAILABLE NO_LEADER ("node N cannot reach the metadata group's
 * leader ..."): retriable, and a client should ask another node.
 *
 * Concurrent reads share rounds (Coalescer); the leader serves its own reads and the forwarded
 * ones of every follower with the same rounds.
 */
export class MetadataReads {
  private readonly leaderRounds = new Coalescer<number>(() => this.localRound());
  private readonly forwardRounds = new Coalescer<number>(() => this.forwardRound());
  /** Local ReadIndex rounds waiting for their ReadState, by context. */
  private readonly pending = new Map<string, Deferred<number> & { timer: NodeJS.Timeout }>();
  private nextCtx = 1;
  private startedAt = Date.now();

  constructor(
    private readonly host: MetadataReadsHost,
    private readonly timing: MetadataReadsTiming,
  ) {}

  /** The node serves from now on (the start of the startup grace). */
  started(): void {
    this.startedAt = Date.now();
  }

  /**
   * Resolves once this node's metadata state is at least as new as the cluster's committed
   * metadata at the time of the call; rejects with UNAVAILABLE NO_LEADER at `deadline`, or at once
   * when the node has heard from no quorum of the metadata group lately (it is cut off).
   */
  async linearizable(deadline: number): Promise<void> {
    const began = Date.now();
    let last: unknown;
    let confirmed: number | undefined;
    for (;;) {
      if (!this.host.quorumHeard() && Date.now() - this.startedAt >= this.timing.startupGraceMs) {
        throw this.unreachable(began, 'it has not heard from a quorum of the metadata group\'s voters lately');
      }
      const leader = this.host.leader();
      try {
        if (leader === 0) throw new Error('no leader is known to it');
        const index = await within(leader === this.host.self ? this.leaderRounds.next() : this.forwardRounds.next(), deadline);
        confirmed = index;
        await this.host.waitApplied(index, deadline);
        return;
      } catch (e) {
        last = e;
      }
      if (Date.now() + this.timing.retryMs >= deadline) {
        if (confirmed !== undefined) {
          throw new RpcError(
            grpc.status.UNAVAILABLE,
            'NO_LEADER',
            `node ${this.host.self} has not applied the metadata log through index ${confirmed} (it is at ${this.host.appliedIndex()}) within ${Date.now() - began} ms, ` +
              `so it does not answer from its older copy; retry, or ask another node`,
          );
        }
        throw this.unreachable(began, last instanceof ReadTimeout ? 'no answer in time' : messageOf(last));
      }
      await sleep(this.timing.retryMs);
    }
  }

  /** The leader's side of a forwarded read (Peer.MetadataReadIndex): the commit index confirmed by a quorum. */
  async confirmedIndex(deadline: number): Promise<number> {
    return within(this.leaderRounds.next(), deadline).catch((e) => {
      if (e instanceof ReadTimeout) {
        throw new RpcError(grpc.status.UNAVAILABLE, 'NO_LEADER', `node ${this.host.self} could not confirm its leadership of the metadata group in time; retry`);
      }
      throw e;
    });
  }

  /** ReadStates of the metadata group, from its Ready. */
  readStates(states: readonly ReadState[]): void {
    for (const s of states) {
      const key = Buffer.from(s.ctx).toString('hex');
      const round = this.pending.get(key);
      if (!round) continue;
      this.pending.delete(key);
      clearTimeout(round.timer);
      round.resolve(s.index);
    }
  }

  /** The metadata group's role changed here: rounds this node started as leader will not complete. */
  roleChanged(soft: SoftState): void {
    if (soft.role === 'leader') return;
    for (const [key, round] of this.pending) {
      this.pending.delete(key);
      clearTimeout(round.timer);
      round.reject(new RpcError(grpc.status.FAILED_PRECONDITION, 'NOT_LEADER', `node ${this.host.self} no longer leads the metadata group`));
    }
  }

  private unreachable(began: number, why: string): RpcError {
    const leader = this.host.leader();
    const known =
      leader === 0
        ? 'no leader is known to it'
        : leader === this.host.self
          ? 'it leads the group, but a quorum has not confirmed that'
          : `last known leader: ${this.host.describeLeader(leader)}`;
    return new RpcError(
      grpc.status.UNAVAILABLE,
      'NO_LEADER',
      `node ${this.host.self} cannot reach the metadata group's leader (${known}; waited ${Date.now() - began} ms: ${why}), ` +
        `so it cannot answer from up-to-date metadata; retry, or ask another node`,
    );
  }

  private localRound(): Promise<number> {
    const ctx = Buffer.alloc(8);
    ctx.writeBigUInt64BE(BigInt(this.nextCtx++));
    const key = ctx.toString('hex');
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(key)) reject(new ReadTimeout('round'));
      }, this.timing.roundTimeoutMs);
      this.pending.set(key, { resolve, reject, timer });
      try {
        this.host.readIndex(ctx);
      } catch (e) {
        this.pending.delete(key);
        clearTimeout(timer);
        reject(e);
      }
    });
  }

  private forwardRound(): Promise<number> {
    const leader = this.host.leader();
    if (leader === this.host.self) return this.localRound();
    if (leader === 0) return Promise.reject(new Error('no leader is known to it'));
    return this.host.forward(leader, Date.now() + this.timing.roundTimeoutMs);
  }
}
