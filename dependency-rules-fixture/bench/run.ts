// Breaks top-level-code-imports-folders-through-their-face.
import { seed } from '../raft/rng';

export const bench = seed;
