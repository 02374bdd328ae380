import { describe, expect, it } from 'vitest';
import { TestCluster } from './test-cluster';
import type { Message } from './types';

/**
 * Flow control against a follower that is alive but slow to persist (a follower catching up):
 * it answers heartbeats at once, its appends only much later. The bytes of entries sent to it
 * and not yet acknowledged must stay within maxInflightBytes (plus the message crossing the limit
 * and one let through by a heartbeat answer), however many heartbeats it answers meanwhile.
 */
const MSG = 1000;
const LIMIT = 4 * MSG;

function slowFollowerCluster() {
  const c = new TestCluster([1, 2, 3], { maxInflightBytes: LIMIT, maxMessageBytes: MSG, maxInflightMessages: 256 });
  c.elect(1);
  let sentTo2 = 0; // the highest entry index delivered to 2 in an append
  let ackedBy2 = 0; // the highest index 2 acknowledged that reached the leader
  const held: Message[] = [];
  let holdAcks = true;
  c.filter = (m) => {
    if (m.type === 'append' && m.to === 2) for (const e of m.entries) sentTo2 = Math.max(sentTo2, e.index);
    if (m.type === 'appendResponse' && m.from === 2 && !m.reject) {
      if (holdAcks) {
        held.push(m);
        return false;
      }
      ackedBy2 = Math.max(ackedBy2, m.index);
    }
    return true;
  };
  const heartbeat = () => {
    c.tick(1); // heartbeatTicks is 1: one heartbeat round per tick
    c.stabilize();
  };
  return {
    c,
    heartbeat,
    held,
    /** Bytes of entries sent to 2 past what it acknowledged (every entry here is MSG bytes). */
    inFlight: () => (sentTo2 - ackedBy2) * MSG,
    acked: () => ackedBy2,
    release: () => {
      holdAcks = false;
      const h = held.splice(0);
      for (const m of h) {
        ackedBy2 = Math.max(ackedBy2, (m as Extract<Message, { type: 'appendResponse' }>).index);
        c.node(1).step(m);
      }
      c.stabilize();
    },
  };
}

describe('in-flight bytes per follower (maxInflightBytes)', () => {
  it('stay bounded while a follower answers heartbeats but not yet appends, over many heartbeats', () => {
    const f = slowFollowerCluster();
    for (let i = 0; i < 200; i++) f.c.node(1).propose(new Uint8Array(MSG));
    f.c.stabilize();
    expect(f.inFlight()).toBeGreaterThanOrEqual(LIMIT);
    for (let i = 0; i < 60; i++) f.heartbeat();
    // 60 heartbeat answers: at most the window, the message crossing it, and a few forced through
    // (the first at once, the next after 10 more answers, then 20: 3 in 60), not one per answer.
    expect(f.inFlight()).toBeLessThanOrEqual(LIMIT + MSG + 3 * MSG);
  });

  it('a follower that acknowledges keeps within the limit plus two messages, and catches up', () => {
    const f = slowFollowerCluster();
    for (let i = 0; i < 100; i++) f.c.node(1).propose(new Uint8Array(MSG));
    f.c.stabilize();
    let worst = 0;
    for (let round = 0; round < 200 && f.c.node(2).status().commit < f.c.node(1).status().commit; round++) {
      // Three heartbeats per persist: the heartbeat answers race ahead of the acknowledgements.
      for (let i = 0; i < 3; i++) {
        f.heartbeat();
        worst = Math.max(worst, f.inFlight());
      }
      f.release();
    }
    expect(f.c.data(2)).toEqual(f.c.data(1));
    expect(worst).toBeLessThanOrEqual(LIMIT + 2 * MSG);
  });

  it('appends lost on the way (a connection reset): heartbeat answers still get the follower back in step', () => {
    const c = new TestCluster([1, 2, 3], { maxInflightBytes: LIMIT, maxMessageBytes: MSG });
    c.elect(1);
    let dropping = true;
    let rejectionsDropped = 0;
    c.filter = (m) => {
      if (m.type === 'append' && m.to === 2 && m.entries.length > 0 && dropping) return false;
      // ...and the first rejection it answers the forced message with is lost too.
      if (m.type === 'appendResponse' && m.from === 2 && m.reject && rejectionsDropped === 0) {
        rejectionsDropped++;
        return false;
      }
      return true;
    };
    for (let i = 0; i < 50; i++) c.node(1).propose(new Uint8Array(MSG));
    c.stabilize();
    dropping = false;
    for (let i = 0; i < 40 && c.data(2).length < c.data(1).length; i++) {
      c.tick(1);
      c.stabilize();
    }
    expect(rejectionsDropped).toBe(1);
    expect(c.data(2)).toEqual(c.data(1));
  });
});
