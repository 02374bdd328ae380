import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntryType, type Entry, type Message } from '../../raft';
import { decodeRaftFrame, encodeRaftFrame, type GroupMessage, MalformedFrameError } from './codec';

// Numbers across the whole range the format promises, with small ones (the common case) favoured.
const num = fc.oneof(fc.nat(300), fc.nat(0xffffffff), fc.maxSafeNat());
const nodeId = fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 0xffffffff }));
const groupId = fc.oneof(fc.nat(50), fc.integer({ min: 0, max: 0xffffffff }));
const data = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 200, maxLength: 3000 }));

const envelope = fc.record({ from: nodeId, to: nodeId, term: num });

const entries = (prevIndex: number, term: number) =>
  fc
    .array(fc.record({ term: fc.nat(term), type: fc.constantFrom(EntryType.Normal, EntryType.ConfChange), data }), { maxLength: 6 })
    .map((es): Entry[] => es.map((e, i) => ({ ...e, index: prevIndex + 1 + i })));

const append = fc
  .record({ env: envelope, prevIndex: fc.nat(1_000_000_000), prevTerm: num, commit: num })
  .chain(({ env, prevIndex, prevTerm, commit }) =>
    entries(prevIndex, env.term).map((es): Message => ({ ...env, type: 'append', prevIndex, prevTerm, commit, entries: es })),
  );

const message: fc.Arbitrary<Message> = fc.oneof(
  append,
  fc
    .record({ env: envelope, index: num, reject: fc.boolean(), rejectHint: fc.oneof(fc.constant(0), num), hintTerm: fc.oneof(fc.constant(0), num) })
    .map(({ env, ...r }): Message => ({ ...env, type: 'appendResponse', ...r })),
  fc
    .record({ env: envelope, type: fc.constantFrom('vote' as const, 'preVote' as const), lastIndex: num, lastTerm: num, transfer: fc.boolean() })
    .map(({ env, ...r }): Message => ({ ...env, ...r })),
  fc
    .record({ env: envelope, type: fc.constantFrom('voteResponse' as const, 'preVoteResponse' as const), reject: fc.boolean() })
    .map(({ env, ...r }): Message => ({ ...env, ...r })),
  fc.record({ env: envelope, commit: num, readRound: num }).map(({ env, ...r }): Message => ({ ...env, type: 'heartbeat', ...r })),
  fc.record({ env: envelope, readRound: num }).map(({ env, ...r }): Message => ({ ...env, type: 'heartbeatResponse', ...r })),
  fc
    .record({
      env: envelope,
      index: num,
      term: num,
      voters: fc.array(nodeId, { maxLength: 7 }),
      learners: fc.array(nodeId, { maxLength: 3 }),
      data,
    })
    .map(({ env, index, term, voters, learners, data }): Message => ({
      ...env,
      type: 'snapshot',
      snapshot: { metadata: { index, term, conf: { voters, learners } }, data },
    })),
  envelope.map((env): Message => ({ ...env, type: 'timeoutNow' })),
);

const batch = fc.array(fc.record({ group: groupId, message }), { maxLength: 30 });

/** The same batch, every message from one node to another (what the transport actually sends). */
const pairBatch = fc
  .tuple(nodeId, nodeId, batch)
  .map(([from, to, b]) => b.map(({ group, message: m }) => ({ group, message: { ...m, from, to } as Message })));

/** Entry data decoded as plain Uint8Arrays compares equal to the Buffers/Uint8Arrays encoded. */
function normalise(b: readonly GroupMessage[]): unknown {
  return JSON.parse(JSON.stringify(b, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
}

describe('raft frame codec', () => {
  it('decoding an encoded batch of any message variants gives back the same groups and messages', () => {
    fc.assert(
      fc.property(fc.oneof(batch, pairBatch), (b) => {
        const decoded = decodeRaftFrame(encodeRaftFrame(b));
        expect(normalise(decoded)).toEqual(normalise(b));
      }),
      { numRuns: 400 },
    );
  });

  it('decoded entry data does not alias the frame buffer (reusing the frame cannot change a decoded entry)', () => {
    const m: Message = {
      type: 'append', from: 1, to: 2, term: 3, prevIndex: 9, prevTerm: 3, commit: 9,
      entries: [{ term: 3, index: 10, type: EntryType.Normal, data: Uint8Array.from([1, 2, 3]) }],
    };
    const frame = encodeRaftFrame([{ group: 5, message: m }]);
    const decoded = decodeRaftFrame(frame);
    frame.fill(0xee);
    const got = decoded[0].message;
    expect(got.type === 'append' && [...got.entries[0].data]).toEqual([1, 2, 3]);
  });

  it('a coalesced heartbeat of an idle group costs at most 8 bytes when the batch is sorted by group', () => {
    const groups = 10_000;
    const b: GroupMessage[] = [];
    for (let g = 1; g <= groups; g++) {
      b.push({ group: g, message: { type: 'heartbeat', from: 1, to: 2, term: 3 + (g % 5), commit: 100_000 + g, readRound: 0 } });
    }
    const frame = encodeRaftFrame(b);
    expect(frame.length / groups).toBeLessThanOrEqual(8);
  });

  it('every strict prefix of a frame is rejected as malformed rather than decoded into different messages', () => {
    fc.assert(
      fc.property(fc.oneof(batch, pairBatch).filter((b) => b.length > 0), fc.nat(), (b, cut) => {
        const frame = encodeRaftFrame(b);
        const prefix = frame.subarray(0, cut % frame.length);
        expect(() => decodeRaftFrame(prefix)).toThrow(MalformedFrameError);
      }),
      { numRuns: 200 },
    );
  });

  it('a frame of another version is rejected with a message naming both versions', () => {
    const frame = encodeRaftFrame([{ group: 1, message: { type: 'timeoutNow', from: 1, to: 2, term: 1 } }]);
    frame[0] = 9;
    expect(() => decodeRaftFrame(frame)).toThrow(/version 9, this node reads version 2/);
  });

  it('an append whose entries are not consecutive from prevIndex+1 is refused at encode time', () => {
    const m: Message = {
      type: 'append', from: 1, to: 2, term: 3, prevIndex: 9, prevTerm: 3, commit: 9,
      entries: [{ term: 3, index: 11, type: EntryType.Normal, data: new Uint8Array(0) }],
    };
    expect(() => encodeRaftFrame([{ group: 1, message: m }])).toThrow(/consecutive from prevIndex\+1=10/);
  });
});
