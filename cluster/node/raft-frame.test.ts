import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../raft';
import type { RaftEnvelope } from './peer-transport';
import { decodeBatch, encodeBatch } from './raft-frame';

const u64 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const id = fc.integer({ min: 1, max: 0xffffffff });
const bytes = fc.uint8Array({ maxLength: 64 });
const envelope = { from: id, to: id, term: u64 };

const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc
    .record({ ...envelope, prevIndex: fc.integer({ min: 0, max: 2 ** 40 }), prevTerm: u64, commit: u64, entries: fc.array(fc.record({ term: u64, type: fc.constantFrom(0, 1), data: bytes }), { maxLength: 5 }) })
    .map((m) => ({ type: 'append' as const, ...m, entries: m.entries.map((e, i) => ({ ...e, index: m.prevIndex + 1 + i })) })),
  fc.record({ type: fc.constant('appendResponse' as const), ...envelope, index: u64, reject: fc.boolean(), rejectHint: u64, hintTerm: u64 }),
  fc.record({ type: fc.constantFrom('vote' as const, 'preVote' as const), ...envelope, lastIndex: u64, lastTerm: u64, transfer: fc.boolean() }),
  fc.record({ type: fc.constantFrom('voteResponse' as const, 'preVoteResponse' as const), ...envelope, reject: fc.boolean() }),
  fc.record({ type: fc.constant('heartbeat' as const), ...envelope, commit: u64, readRound: u64 }),
  fc.record({ type: fc.constant('heartbeatResponse' as const), ...envelope, readRound: u64 }),
  fc.record({
    type: fc.constant('snapshot' as const),
    ...envelope,
    snapshot: fc.record({ metadata: fc.record({ index: u64, term: u64, conf: fc.record({ voters: fc.array(id, { maxLength: 5 }), learners: fc.array(id, { maxLength: 3 }) }) }), data: bytes }),
  }),
  fc.record({ type: fc.constant('timeoutNow' as const), ...envelope }),
);

/** A canonical form: bytes as hex, keys sorted, so field order and buffer types do not matter. */
function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

describe('the Raft frame codec', () => {
  it('decodes exactly what it encoded, for every message type, in batches of many groups', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ group: fc.integer({ min: 0, max: 0xffffffff }), message: messageArb }), { maxLength: 20 }), (batch: RaftEnvelope[]) => {
        expect(canonical(decodeBatch(encodeBatch(batch)))).toEqual(canonical(batch));
      }),
      { numRuns: 500 },
    );
  });

  it('an idle group costs a few dozen bytes per heartbeat in a coalesced frame', () => {
    const batch = Array.from({ length: 1000 }, (_, g) => ({ group: g, message: { type: 'heartbeat' as const, from: 1, to: 2, term: 3, commit: 10, readRound: 0 } }));
    expect(encodeBatch(batch).length / 1000).toBeLessThanOrEqual(40);
  });

  it('rejects truncated and foreign frames instead of decoding garbage', () => {
    const frame = encodeBatch([{ group: 1, message: { type: 'heartbeat', from: 1, to: 2, term: 3, commit: 4, readRound: 0 } }]);
    expect(() => decodeBatch(frame.subarray(0, frame.length - 1))).toThrow(/truncated/);
    expect(() => decodeBatch(Buffer.concat([frame, Buffer.from([0])]))).toThrow(/trailing/);
    const wrongVersion = Buffer.from(frame);
    wrongVersion[0] = 9;
    expect(() => decodeBatch(wrongVersion)).toThrow(/version 9/);
  });
});
