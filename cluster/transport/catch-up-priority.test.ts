import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Entry, Message } from '../../raft';
import { raftFrameCodec } from './codec';
import { CATCH_UP_FRAME_BYTES, isCatchUp, type PeerClientLike, PeerTransport, type PeerTransportOptions } from './peer-transport';

/**
 * The two priorities of a peer link: live messages go out at once, catch-up appends (entries the
 * leader had committed already) wait until the link has no live frame in its stream, never more
 * than maxCatchUpInWireBytes of them in the stream, and never more than maxCatchUpBytes held over
 * the node. The fake stream sends a frame only when the test says so (its write callback), as a
 * gRPC stream does once a frame is on its way.
 */
function fakeStreams() {
  const streams: Array<EventEmitter & { frames: Message[][]; callbacks: Array<() => void> }> = [];
  const client = {
    raft: () => {
      const s = Object.assign(new EventEmitter(), {
        frames: [] as Message[][],
        callbacks: [] as Array<() => void>,
        write: (f: { payload: Buffer }, cb?: () => void) => {
          s.frames.push(raftFrameCodec.decode(f.payload).map((g) => g.message));
          if (cb) s.callbacks.push(cb);
          return true;
        },
        end: () => undefined,
      });
      streams.push(s);
      return s;
    },
    close: () => undefined,
  } as unknown as PeerClientLike;
  return { client, streams };
}

const KB = 1024;
const entries = (from: number, count: number, bytes: number): Entry[] =>
  Array.from({ length: count }, (_, i) => ({ index: from + i, term: 1, type: 0, data: new Uint8Array(bytes) }) as Entry);
/** An append to node `to` of `count` entries from `from`, the leader's commit at `commit`. */
const append = (to: number, from: number, count: number, bytes: number, commit: number): Message => ({
  type: 'append',
  from: 1,
  to,
  term: 1,
  prevIndex: from - 1,
  prevTerm: 1,
  entries: entries(from, count, bytes),
  commit,
});
const heartbeat = (to: number): Message => ({ type: 'heartbeat', from: 1, to, term: 1, commit: 0, readRound: 0 });
const kinds = (frame: Message[]) => frame.map((m) => (m.type === 'append' ? `${isCatchUp(m) ? 'catchup' : 'live'}:${m.entries[0].index}` : m.type));

function transport(opts: Partial<PeerTransportOptions> = {}) {
  const { client, streams } = fakeStreams();
  const unreachable: Array<[number, number[]]> = [];
  const t = new PeerTransport({
    self: 1,
    peers: new Map([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]),
    codec: raftFrameCodec,
    newClient: () => client,
    unreachable: (peer, groups) => unreachable.push([peer, [...groups].sort()]),
    ...opts,
  });
  /** Send every frame handed to stream i so far (their write callbacks), repeatedly until quiet. */
  const drain = (i: number) => {
    while (streams[i].callbacks.length > 0) streams[i].callbacks.shift()!();
  };
  return { t, streams, unreachable, drain };
}

describe('catch-up appends yield to live traffic on a peer link', () => {
  it('classifies appends of entries the leader had committed as catch-up, everything else as live', () => {
    expect(isCatchUp(append(2, 1, 3, 10, 3))).toBe(true);
    expect(isCatchUp(append(2, 1, 3, 10, 2))).toBe(false); // entry 3 is not committed yet: live
    expect(isCatchUp(append(2, 4, 0, 10, 9) as Message)).toBe(false); // empty: a probe or a commit update
    expect(isCatchUp(heartbeat(2))).toBe(false);
  });

  it('a live frame goes out ahead of catch-up frames queued before it; catch-up frames go only while no live frame is in the stream', () => {
    const { t, streams, drain } = transport({ maxCatchUpInWireBytes: 2 * CATCH_UP_FRAME_BYTES });
    // Group 7 catches up: 6 appends of 1 MiB, committed. Group 8 is live.
    for (let k = 0; k < 6; k++) t.send(7, append(2, 1 + k * 16, 16, 64 * KB, 1000));
    t.flush();
    const s = streams[0];
    // At most 2 MiB of catch-up in the stream; the rest waits.
    expect(s.frames.map(kinds)).toEqual([['catchup:1'], ['catchup:17']]);
    t.send(8, append(2, 50, 1, 100, 49));
    t.send(8, heartbeat(2));
    t.flush();
    // The live frame is written at once, before the four catch-up frames still waiting.
    expect(s.frames.map(kinds)).toEqual([['catchup:1'], ['catchup:17'], ['live:50', 'heartbeat']]);
    // The first catch-up frame leaves; the live one is still in the stream: nothing more yet.
    s.callbacks.shift()!();
    expect(s.frames).toHaveLength(3);
    s.callbacks.shift()!(); // the second catch-up frame
    expect(s.frames).toHaveLength(3);
    s.callbacks.shift()!(); // the live frame: now catch-up may go again, 2 MiB of it
    expect(s.frames.map(kinds).slice(3)).toEqual([['catchup:33'], ['catchup:49']]);
    drain(0);
    expect(s.frames.map(kinds).slice(3)).toEqual([['catchup:33'], ['catchup:49'], ['catchup:65'], ['catchup:81']]);
    expect(t.catchUpBytes).toBe(0);
    t.close();
  });

  it('an append of a group with catch-up appends waiting queues behind them: a group\'s appends keep their order', () => {
    const { t, streams, drain } = transport({ maxCatchUpInWireBytes: 1 });
    for (let k = 0; k < 3; k++) t.send(7, append(2, 1 + k * 16, 16, 64 * KB, 40));
    t.send(7, append(2, 49, 1, 100, 40)); // live appends of the group (entries 41.. not committed): behind the catch-up
    t.send(9, append(2, 5, 1, 100, 4)); // another group's live append: ahead
    t.flush();
    drain(0);
    expect(streams[0].frames.map(kinds)).toEqual([['live:5'], ['catchup:1'], ['catchup:17'], ['live:33'], ['live:49']]);
    // Once nothing of group 7 waits, its live appends are live again.
    t.send(7, append(2, 50, 1, 100, 49));
    t.flush();
    expect(streams[0].frames.map(kinds).at(-1)).toEqual(['live:50']);
    t.close();
  });

  it('the node holds at most maxCatchUpBytes of catch-up over all its links: beyond, appends are dropped and their groups reported unreachable', () => {
    const { t, streams, unreachable, drain } = transport({ maxCatchUpBytes: 3 * CATCH_UP_FRAME_BYTES + 4 * KB, maxCatchUpInWireBytes: 1 });
    for (let k = 0; k < 2; k++) t.send(7, append(2, 1 + k * 16, 16, 64 * KB, 1000));
    for (let k = 0; k < 2; k++) t.send(8, append(3, 1 + k * 16, 16, 64 * KB, 1000));
    t.send(9, append(3, 1, 16, 64 * KB, 1000));
    t.flush();
    // Three frames fit; the fourth (group 8's second) and group 9's are dropped, group 8 and 9 told.
    expect(unreachable).toEqual([[3, [8, 9]]]);
    expect(t.catchUpBytes).toBeLessThanOrEqual(3 * CATCH_UP_FRAME_BYTES + 4 * KB);
    expect(t.catchUpBytes).toBeGreaterThan(2 * CATCH_UP_FRAME_BYTES);
    drain(0);
    drain(1);
    expect(streams[0].frames.map(kinds)).toEqual([['catchup:1'], ['catchup:17']]);
    expect(streams[1].frames.map(kinds)).toEqual([['catchup:1']]);
    expect(t.catchUpBytes).toBe(0);
    t.close();
  });

  it('a stream that ends drops the catch-up frames waiting, reports their groups unreachable and gives back their bytes', () => {
    const { t, streams, unreachable } = transport({ maxCatchUpInWireBytes: 1 });
    for (let k = 0; k < 3; k++) t.send(7, append(2, 1 + k * 16, 16, 64 * KB, 1000));
    t.flush();
    expect(t.catchUpBytes).toBeGreaterThan(2 * CATCH_UP_FRAME_BYTES);
    streams[0].emit('error', new Error('connection reset'));
    expect(unreachable).toEqual([[2, [7]]]);
    expect(t.catchUpBytes).toBe(0);
    streams[0].callbacks.shift()!(); // a late callback of the dead stream changes nothing
    expect(t.catchUpBytes).toBe(0);
    t.send(7, append(2, 1, 1, 100, 1000));
    t.flush();
    expect(streams[1].frames.map(kinds)).toEqual([['catchup:1']]); // a new stream
    t.close();
  });

  it('catchUpBytesPerSecond paces catch-up over the whole node: one burst, then frames as the rate allows, on one timer', () => {
    let now = 0;
    const timers: Array<{ at: number; fn: () => void }> = [];
    const clock = { now: () => now, after: (ms: number, fn: () => void) => void timers.push({ at: now + ms, fn }) };
    const rate = CATCH_UP_FRAME_BYTES; // one frame's worth per second
    const { t, streams, drain } = transport({ catchUpBytesPerSecond: rate, clock, maxCatchUpBytes: 64 << 20 });
    // 4 frames' worth for node 2 and 2 for node 3, all catch-up.
    for (let k = 0; k < 4; k++) t.send(7, append(2, 1 + k * 16, 16, 64 * KB, 1000));
    for (let k = 0; k < 2; k++) t.send(8, append(3, 1 + k * 16, 16, 64 * KB, 1000));
    t.flush();
    const drainAll = () => streams.forEach((_, k) => drain(k));
    drainAll();
    const sent = () => streams.reduce((n, s) => n + s.frames.length, 0);
    // The burst (one second of the rate) lets one frame out; the others wait, with one timer for both links.
    expect(sent()).toBe(1);
    expect(timers).toHaveLength(1);
    // A live message is never paced.
    t.send(9, heartbeat(2));
    t.flush();
    expect(streams.flatMap((st) => st.frames.flat()).filter((m) => m.type === 'heartbeat')).toHaveLength(1);
    drainAll();
    // Each second of the clock lets about one more frame out, until all six went.
    for (let second = 1; second <= 12; second++) {
      now = second * 1000;
      const due = timers.filter((x) => x.at <= now);
      timers.splice(0, timers.length, ...timers.filter((x) => x.at > now));
      for (const timer of due) timer.fn();
      drainAll();
      expect(sent(), `frames out after ${second} s`).toBeLessThanOrEqual(1 + second + 1); // +1: the heartbeat's frame
    }
    expect(streams.flatMap((s) => s.frames.flat()).filter((m) => m.type === 'append')).toHaveLength(6);
    t.close();
  });
});
