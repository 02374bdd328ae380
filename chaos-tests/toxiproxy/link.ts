/**
 * One direction of one proxied connection (Toxiproxy's ToxicLink): bytes read from the source
 * socket go through a chain of toxic stubs, one per toxic of that direction in the order they were
 * added, and out to the destination socket.
 *
 *     source ─► stub(toxic 1) ─► stub(toxic 2) ─► … ─► writer ─► destination
 *
 * Adding a toxic appends a stub; updating one re-runs its stub with the new attributes; removing
 * one hands its queued data on and unlinks it. All three act on this live connection at once.
 *
 * The end of the stream travels down the chain like data. When it reaches the writer the link is
 * finished: the destination is closed after what was written is flushed (as Toxiproxy closes it),
 * and since the destination is the other direction's source, that direction's input ends too. So
 * either side closing ends the whole connection once the data in flight is delivered; there are
 * no half-open connections through the proxy, as with Toxiproxy.
 *
 * Flow control: the link holds at most about HIGH_WATER bytes (read but not yet written or
 * dropped); past that, or while the destination's buffer is full, it stops reading its source, so
 * a slow toxic slows the sender down as Toxiproxy's blocking channels do.
 */
import type { Socket } from 'node:net';
import { END, now, ToxicStub, type Item, type LinkHooks, type Sink } from './stub';
import type { Direction, Toxic } from './toxic';
import { cleanupOf, newState, noopPipe, pipeOf } from './toxics';

const HIGH_WATER = 1 << 20;

/** What a link tells its connection. */
export interface LinkEvents {
  /** The link wrote its end and closed its destination. */
  finished(link: Link): void;
  /** A toxic asked for the connection to be reset. */
  reset(): void;
}

interface Stage {
  toxic: Toxic;
  stub: ToxicStub;
}

export class Link {
  private readonly stages: Stage[] = [];
  private readonly writer: Sink = { push: (item) => this.write(item) };
  private readonly hooks: LinkHooks;
  /** Bytes read from the source and neither written nor dropped yet. */
  private held = 0;
  private inputEnded = false;
  private finished = false;
  /** The destination's buffer is full: wait for 'drain'. */
  private blocked = false;
  /** The source starts paused (the proxy accepts with pauseOnConnect). */
  private paused = true;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly events: LinkEvents,
  ) {
    this.hooks = {
      dropped: (bytes) => {
        this.held -= bytes;
        this.updateFlow();
      },
      resetConnection: () => this.events.reset(),
    };
  }

  /** Builds the chain of the toxics in force and starts reading the source. */
  start(chain: readonly Toxic[]): void {
    for (const toxic of chain) this.addToxic(toxic);
    this.updateFlow();
  }

  /** Data read from the source. */
  input(data: Buffer): void {
    if (this.inputEnded) return;
    this.held += data.length;
    this.entry().push({ data, ts: now() });
    this.updateFlow();
  }

  /** The source ended (its peer closed, or it was closed): the end goes down the chain after the data. */
  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.entry().push(END);
  }

  /** The destination closed under the link: what still comes out of the chain goes nowhere. */
  destinationClosed(): void {
    this.finished = true;
  }

  /** The connection is gone: stops every stub, without passing anything on. */
  abort(): void {
    this.finished = true;
    this.inputEnded = true;
    for (const { stub } of this.stages) stub.abort();
  }

  /** Appends `toxic` to the end of the chain. */
  addToxic(toxic: Toxic): void {
    const stub = new ToxicStub(this.writer, this.hooks);
    if (this.finished) {
      stub.abort();
    } else {
      const last = this.stages.at(-1);
      if (last) last.stub.output = stub;
      stub.state = newState(toxic.spec);
      stub.run(this.pipeFor(toxic));
    }
    this.stages.push({ toxic, stub });
  }

  /** Re-runs `toxic`'s stub with its new attributes and a new toxicity roll. */
  async updateToxic(toxic: Toxic): Promise<void> {
    const stage = this.stages.find((s) => s.toxic === toxic);
    if (stage && (await stage.stub.interrupt())) stage.stub.run(this.pipeFor(toxic));
  }

  /** Takes `toxic` out of the chain; what it held goes on (a timeout toxic closes the connection instead). */
  async removeToxic(toxic: Toxic): Promise<void> {
    const stage = this.stages.find((s) => s.toxic === toxic);
    if (!stage) return;
    const { stub } = stage;
    if (await stub.interrupt()) {
      cleanupOf(toxic.spec)?.(stub);
      if (!stub.closed) stub.flushQueue();
    }
    const at = this.stages.indexOf(stage);
    this.stages.splice(at, 1);
    if (at > 0) this.stages[at - 1].stub.output = stub.output;
  }

  /** Where data from the source goes: the first stub, or straight to the writer. */
  private entry(): Sink {
    return this.stages[0]?.stub ?? this.writer;
  }

  /** The toxic's behaviour, or a pass-through if this connection's toxicity roll spares it. */
  private pipeFor(toxic: Toxic) {
    return Math.random() < toxic.toxicity ? pipeOf(toxic.spec) : noopPipe;
  }

  private write(item: Item): void {
    if (item === END) return this.finish();
    this.held -= item.data.length;
    if (!this.finished && !this.destination.write(item.data) && !this.blocked) {
      this.blocked = true;
      this.destination.once('drain', () => {
        this.blocked = false;
        this.updateFlow();
      });
    }
    this.updateFlow();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.destination.destroySoon();
    this.events.finished(this);
  }

  private updateFlow(): void {
    const pause = !this.inputEnded && (this.held > HIGH_WATER || this.blocked);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.source.pause();
    else this.source.resume();
  }
}
