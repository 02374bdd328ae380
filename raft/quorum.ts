import type { NodeId } from './types';

/** Majority arithmetic, kept apart so it can be tested on its own (as etcd's quorum package). */

export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The largest index that a majority of voters have matched. With no voters nothing can commit.
 * Sorting a handful of numbers per commit check is cheaper than keeping them ordered.
 */
export function committedIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[majority(voters.length) - 1];
}

export type VoteResult = 'won' | 'lost' | 'pending';

/** Tally granted/rejected votes among `voters`; responses from non-voters do not count. */
export function voteResult(voters: readonly NodeId[], granted: number, rejected: number): VoteResult {
  const need = majority(voters.length);
  if (granted >= need) return 'won';
  if (voters.length - rejected < need) return 'lost';
  return 'pending';
}
