import type { ConfChange, ConfState, NodeId } from './types';

/** ConfChange wire format: 1 byte kind, 4 bytes node id (big-endian). Node ids are 1..2^32-1. */
const KINDS = ['addLearner', 'addVoter', 'removeNode'] as const;

export function encodeConfChange(change: ConfChange): Uint8Array {
  if (!Number.isInteger(change.node) || change.node < 1 || change.node > 0xffffffff) {
    throw new RangeError(`conf change node id ${change.node} is not in 1..2^32-1`);
  }
  const out = new Uint8Array(5);
  out[0] = KINDS.indexOf(change.type);
  new DataView(out.buffer).setUint32(1, change.node);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.length !== 5 || data[0] >= KINDS.length) {
    throw new Error(`malformed conf change entry (${data.length} bytes, kind ${data[0]})`);
  }
  const node = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1);
  return { type: KINDS[data[0]], node };
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
