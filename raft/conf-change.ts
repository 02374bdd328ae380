import type { ConfChange, ConfState, NodeId } from './types';

/**
 * A conf change entry carries the change and the membership that results from it. Applying one
 * sets the membership outright, so a node that joins with an empty log (and no idea of the
 * bootstrap membership) still ends up with the right one, and replaying is idempotent.
 * Wire format, big-endian: kind (1 byte), node (4), voter count (2), voters (4 each), learner
 * count (2), learners (4 each). Node ids are 1..2^32-1.
 */
const KINDS = ['addLearner', 'addVoter', 'removeNode'] as const;

export interface ConfChangeEntry {
  readonly change: ConfChange;
  readonly conf: ConfState;
}

export function encodeConfChange(change: ConfChange, result: ConfState): Uint8Array {
  for (const id of [change.node, ...result.voters, ...result.learners]) {
    if (!Number.isInteger(id) || id < 1 || id > 0xffffffff) throw new RangeError(`conf change node id ${id} is not in 1..2^32-1`);
  }
  const out = new Uint8Array(9 + 4 * (result.voters.length + result.learners.length));
  const v = new DataView(out.buffer);
  out[0] = KINDS.indexOf(change.type);
  v.setUint32(1, change.node);
  let at = 5;
  for (const list of [result.voters, result.learners]) {
    v.setUint16(at, list.length);
    at += 2;
    for (const id of list) {
      v.setUint32(at, id);
      at += 4;
    }
  }
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChangeEntry {
  const fail = () => new Error(`malformed conf change entry (${data.length} bytes)`);
  if (data.length < 9 || data[0] >= KINDS.length) throw fail();
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const change: ConfChange = { type: KINDS[data[0]], node: v.getUint32(1) };
  let at = 5;
  const lists: NodeId[][] = [];
  for (let l = 0; l < 2; l++) {
    if (at + 2 > data.length) throw fail();
    const n = v.getUint16(at);
    at += 2;
    if (at + 4 * n > data.length) throw fail();
    const ids: NodeId[] = [];
    for (let i = 0; i < n; i++, at += 4) ids.push(v.getUint32(at));
    lists.push(ids);
  }
  if (at !== data.length) throw fail();
  return { change, conf: { voters: lists[0], learners: lists[1] } };
}

/**
 * The membership after `change`. Idempotent (adding a member again or removing an absent one
 * changes nothing), so a host that replays its log from an older snapshot converges.
 */
export function applyConfChange(conf: ConfState, change: ConfChange): ConfState {
  const voters = conf.voters.filter((id) => id !== change.node);
  const learners = conf.learners.filter((id) => id !== change.node);
  switch (change.type) {
    case 'addLearner':
      if (conf.voters.includes(change.node)) return conf; // never demote by accident
      learners.push(change.node);
      break;
    case 'addVoter':
      voters.push(change.node);
      break;
    case 'removeNode':
      break;
    default: {
      const never: never = change;
      throw new Error(`unknown conf change ${JSON.stringify(never)}`);
    }
  }
  return { voters: sortIds(voters), learners: sortIds(learners) };
}

/** Why `change` may not be proposed against `conf`, or undefined if it may. */
export function confChangeProblem(conf: ConfState, change: ConfChange): string | undefined {
  const isVoter = conf.voters.includes(change.node);
  const isLearner = conf.learners.includes(change.node);
  switch (change.type) {
    case 'addLearner':
      if (isVoter) return `node ${change.node} is already a voter`;
      if (isLearner) return `node ${change.node} is already a learner`;
      return undefined;
    case 'addVoter':
      return isVoter ? `node ${change.node} is already a voter` : undefined;
    case 'removeNode':
      if (!isVoter && !isLearner) return `node ${change.node} is not a member`;
      if (isVoter && conf.voters.length === 1) return `node ${change.node} is the last voter`;
      return undefined;
    default: {
      const never: never = change;
      return `unknown conf change ${JSON.stringify(never)}`;
    }
  }
}

function sortIds(ids: NodeId[]): NodeId[] {
  return ids.sort((a, b) => a - b);
}
