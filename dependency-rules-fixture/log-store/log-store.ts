// Breaks log-store-imports-only-raft (raft/rng.ts is neither raft's face nor its types).
import { seed } from '../raft/rng';

export class LogStore {
  readonly seed = seed;
}
