import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../raft';
import { type GroupMessage, raftFrameCodec } from './codec';
import { PEER_FROM_KEY, type PeerClientLike, PeerTransport } from './peer-transport';

describe('node liveness heartbeats on the peer stream', () => {
  function fakeClient() {
    const frames: Buffer[] = [];
    const opened: grpc.Metadata[] = [];
    const client = {
      raft: (metadata?: grpc.Metadata) => {
        opened.push(metadata ?? new grpc.Metadata());
        return Object.assign(new EventEmitter(), {
          write: (f: { payload: Buffer }, cb?: () => void) => {
            frames.push(f.payload);
            cb?.();
            return true;
          },
          end: () => undefined,
        });
      },
      close: () => undefined,
    } as unknown as PeerClientLike;
    return { client, frames, opened };
  }

  it('an idle link sends one empty frame per heartbeat; a link that carried Raft messages sends none', () => {
    const { client, frames, opened } = fakeClient();
    const t = new PeerTransport({ self: 1, peers: new Map([[1, 'a'], [2, 'b']]), codec: raftFrameCodec, newClient: () => client, unreachable: () => undefined });
    t.heartbeat();
    expect(frames.map((f) => raftFrameCodec.decode(f))).toEqual([[]]);
    expect(opened[0].get(PEER_FROM_KEY)).toEqual(['1']);
    const m: Message = { type: 'heartbeat', from: 1, to: 2, term: 3, commit: 0, readRound: 0 };
    t.send(4, m);
    t.flush();
    t.heartbeat(); // the Raft frame just went out: no empty frame
    expect(frames).toHaveLength(2);
    t.heartbeat(); // idle since the last heartbeat
    expect(frames).toHaveLength(3);
    expect(raftFrameCodec.decode(frames[2])).toEqual([]);
    t.close();
  });

  it('the receiving side delivers an empty frame as a sign of life from the node the stream named', () => {
    const delivered: Array<[number, GroupMessage[]]> = [];
    const serve = PeerTransport.serve(raftFrameCodec, (from, messages) => delivered.push([from, messages]));
    const metadata = new grpc.Metadata();
    metadata.set(PEER_FROM_KEY, '7');
    const call = Object.assign(new EventEmitter(), { metadata, end: () => undefined, destroy: () => undefined });
    serve(call as unknown as Parameters<typeof serve>[0]);
    call.emit('data', { payload: raftFrameCodec.encode([]) });
    expect(delivered).toEqual([[7, []]]);
  });
});
