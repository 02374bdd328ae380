/**
 * A ToxicStub runs one toxic on one direction of one connection, as Toxiproxy's `ToxicStub` does:
 * it owns the toxic's input queue, hands the toxic its items one at a time (`take`), and lets the
 * toxic sleep, pass data on (`send`), drop it (`drop`) or end the stream (`close`). A toxic is an
 * async function ("pipe") that loops on `take()` until it is interrupted or the stream ends; the
 * same stub keeps its queue and per-connection state across interruptions, so that updating a
 * toxic re-runs its pipe with the new attributes on the data still queued, and removing it hands
 * the queue on untouched.
 *
 * Interruption is cooperative, as in Toxiproxy: `interrupt()` makes the pending `take()` or
 * `sleep()` return at once and waits for the pipe to return. Pipes pass on the item they were
 * delaying before returning ("don't drop any data on the floor").
 */

/** Bytes read from one side of a connection, stamped with when (ms, `performance.now()`) they were read. */
export interface Chunk {
  data: Buffer;
  ts: number;
}

/** The end of the stream: the source closed, or a toxic closed the link. */
export const END = Symbol('end of stream');
export type Item = Chunk | typeof END;

/** What `take()` answers once the stub is interrupted. */
export const INTERRUPTED = Symbol('interrupted');
/** What `takeBefore(deadline)` answers when nothing came before the deadline. */
export const TIMED_OUT = Symbol('timed out');

/** Where a stub's output goes: the next stub of the chain, or the writer to the destination socket. */
export interface Sink {
  push(item: Item): void;
}

/** What a stub needs from the link it is part of. */
export interface LinkHooks {
  /** Bytes a toxic dropped instead of passing on: the link no longer holds them. */
  dropped(bytes: number): void;
  /** Resets both sockets of the connection (TCP RST), as reset_peer does. */
  resetConnection(): void;
}

/** A toxic's behaviour: runs until interrupted or until the stream ends. */
export type Pipe = (stub: ToxicStub) => Promise<void>;

export function now(): number {
  return performance.now();
}

export class ToxicStub {
  /** Per-connection state of a stateful toxic (limit_data's byte count); kept across updates. */
  state: unknown;
  private readonly queue: Item[] = [];
  /** The input ended and its END was taken: every later `take()` answers END, like a closed Go channel. */
  private endTaken = false;
  private closedFlag = false;
  private interruptRequested = false;
  private wakeTaker: (() => void) | undefined;
  private wakeSleeper: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    /** Mutable: the chain re-links a stub's predecessor when a toxic is added or removed. */
    public output: Sink,
    private readonly hooks: LinkHooks,
  ) {}

  /** The stub ended its stream: its output has seen END and later input is dropped. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Input from the previous stage. */
  push(item: Item): void {
    if (this.closedFlag) {
      if (item !== END) this.hooks.dropped(item.data.length);
      return;
    }
    this.queue.push(item);
    this.wakeTaker?.();
  }

  /** Starts `pipe` on this stub (after an interruption, on the items still queued). */
  run(pipe: Pipe): void {
    this.interruptRequested = false;
    this.running = pipe(this);
  }

  /**
   * Stops the running pipe and waits until it has returned. False if the stub was closed (before,
   * or by the pipe on its way out), true if it can be run again.
   */
  async interrupt(): Promise<boolean> {
    if (this.closedFlag) return false;
    this.interruptRequested = true;
    this.wakeTaker?.();
    this.wakeSleeper?.();
    await this.running;
    return !this.closedFlag;
  }

  /**
   * Hands everything still queued to the output, untouched, and ends the output if the input had
   * ended: what Toxiproxy does with a removed toxic's buffer. Call only on an interrupted stub.
   */
  flushQueue(): void {
    while (this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (item === END) {
        this.endTaken = true;
        break;
      }
      this.output.push(item);
    }
    if (this.endTaken) this.close();
  }

  /** Stops the stub for good without passing anything on: the connection is gone. */
  abort(): void {
    this.closedFlag = true;
    this.interruptRequested = true;
    this.queue.length = 0;
    this.wakeTaker?.();
    this.wakeSleeper?.();
  }

  /** The next input item, or INTERRUPTED once interrupted. */
  take(): Promise<Item | typeof INTERRUPTED> {
    return this.takeUntil(undefined) as Promise<Item | typeof INTERRUPTED>;
  }

  /** The next input item; INTERRUPTED once interrupted; TIMED_OUT if `deadline` (a `now()` time) passes first. */
  takeBefore(deadline: number): Promise<Item | typeof INTERRUPTED | typeof TIMED_OUT> {
    return this.takeUntil(deadline);
  }

  private async takeUntil(deadline: number | undefined): Promise<Item | typeof INTERRUPTED | typeof TIMED_OUT> {
    let cancel: (() => void) | undefined;
    let timedOut = false;
    try {
      for (;;) {
        if (this.interruptRequested) return INTERRUPTED;
        const item = this.queue.shift();
        if (item === END) this.endTaken = true;
        if (item !== undefined) return item;
        if (this.endTaken) return END;
        if (timedOut) return TIMED_OUT;
        await new Promise<void>((resolve) => {
          this.wakeTaker = resolve;
          if (deadline !== undefined && cancel === undefined) {
            cancel = armUntil(deadline, () => {
              timedOut = true;
              this.wakeTaker?.();
            });
          }
        });
        this.wakeTaker = undefined;
      }
    } finally {
      cancel?.();
    }
  }

  /** Sleeps `ms`; false if interrupted first. */
  sleep(ms: number): Promise<boolean> {
    return this.sleepUntil(now() + ms);
  }

  /** Sleeps until `deadline` (a `now()` time), never less; false if interrupted first. */
  async sleepUntil(deadline: number): Promise<boolean> {
    if (this.interruptRequested) return false;
    if (now() >= deadline) return true;
    let cancel: (() => void) | undefined;
    const elapsed = await new Promise<boolean>((resolve) => {
      this.wakeSleeper = () => resolve(false);
      cancel = armUntil(deadline, () => resolve(true));
    });
    cancel?.();
    this.wakeSleeper = undefined;
    return elapsed && !this.interruptRequested;
  }

  /** Passes a chunk on to the next stage. */
  send(chunk: Chunk): void {
    if (chunk.data.length > 0) this.output.push(chunk);
  }

  /** Drops a chunk (or part of one): it goes nowhere. */
  drop(bytes: number): void {
    if (bytes > 0) this.hooks.dropped(bytes);
  }

  /** Ends the stream here: the output sees END (the link closes), later input is dropped. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    let held = 0;
    for (const item of this.queue) if (item !== END) held += item.data.length;
    this.queue.length = 0;
    this.drop(held);
    this.output.push(END);
  }

  /** Resets the whole connection with TCP RST. */
  resetConnection(): void {
    this.hooks.resetConnection();
  }
}

/**
 * Calls `fire` once `now()` has reached `deadline`; returns a cancel function. Node's timers may
 * fire up to a millisecond early against `performance.now()`, and a toxic must never deliver
 * before its time, so an early timer re-arms.
 */
export function armUntil(deadline: number, fire: () => void): () => void {
  let timer: NodeJS.Timeout;
  const check = () => {
    const left = deadline - now();
    if (left > 0) timer = setTimeout(check, Math.ceil(left));
    else fire();
  };
  timer = setTimeout(check, Math.max(0, Math.ceil(deadline - now())));
  return () => clearTimeout(timer);
}
