import { describe, expect, it } from 'vitest';
import { NONE } from '../../raft';
import { preferredLeader } from './leader-balance';

describe('leadership balancing', () => {
  it('the preferred leader is the first replica, or the first live one', () => {
    expect(preferredLeader([3, 1, 2])).toBe(3);
    expect(preferredLeader([3, 1, 2], new Set([1, 2]))).toBe(1);
    expect(preferredLeader([3, 1, 2], new Set([4]))).toBe(NONE);
  });
});
