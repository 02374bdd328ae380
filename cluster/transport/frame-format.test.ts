import { describe, expect, it } from 'vitest';
import type { Message } from '../../raft';
import { decodeRaftFrame, encodeRaftFrame, type GroupMessage } from './codec';

/**
 * A peer frame with every message type, as bytes: pinned to what earlier versions sent (the hex
 * was taken from them), so nodes of this version and the previous one understand each other in a
 * rolling upgrade, and a format change fails here first.
 */
const frame: GroupMessage[] = (
  [
    [
      1,
      {
        type: 'append', from: 1, to: 2, term: 2 ** 33, prevIndex: 2 ** 40, prevTerm: 2 ** 33 - 1, commit: 2 ** 40 - 1,
        entries: [
          { index: 2 ** 40 + 1, term: 2 ** 33 - 1, type: 0, data: Uint8Array.from([7, 8]) },
          { index: 2 ** 40 + 2, term: 2 ** 33, type: 1, data: new Uint8Array(0) },
        ],
      },
    ],
    [3, { type: 'appendResponse', from: 1, to: 2, term: 5, index: 300, reject: true, rejectHint: 200, hintTerm: 4 }],
    [2, { type: 'vote', from: 1, to: 2, term: 6, lastIndex: 10, lastTerm: 5, transfer: true }],
    [2, { type: 'preVoteResponse', from: 1, to: 2, term: 6, reject: false }],
    [70000, { type: 'heartbeat', from: 1, to: 2, term: 6, commit: 2 ** 35, readRound: 3 }],
    [70000, { type: 'heartbeatResponse', from: 1, to: 2, term: 6, readRound: 3 }],
    [
      5,
      {
        type: 'snapshot', from: 1, to: 2, term: 9,
        snapshot: { metadata: { index: 2 ** 36, term: 8, conf: { voters: [1, 2], learners: [3] } }, data: Uint8Array.from([1, 2, 3]) },
      },
    ],
    [5, { type: 'timeoutNow', from: 1, to: 2, term: 9 }],
  ] as Array<[number, Message]>
).map(([group, message]) => ({ group, message }));
const FRAME =
  '020101020800028080808020808080808020ffffffff1fffffffffff1f020100020708000100310405ac02c801041201' +
  '060a0505000606dcc50806808080808001030700060308d5c5080980808080800208020102010303010203090009';

describe('the peer frame format', () => {
  it('a frame of every message type is the bytes earlier versions sent, and decodes back', () => {
    expect(Buffer.from(encodeRaftFrame(frame)).toString('hex')).toBe(FRAME);
    expect(decodeRaftFrame(Buffer.from(FRAME, 'hex'))).toEqual(frame);
  });
});
