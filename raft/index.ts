/** The Raft core's public face: a pure, deterministic consensus state machine and its contract. */
export * from './types';
export { InvariantError } from './assert';
export { RawNode } from './raw-node';
export { MemoryStorage, limitSize } from './memory-storage';
export { encodeConfChange, decodeConfChange, applyConfChange, type ConfChangeEntry } from './conf-change';
export { Rng } from './rng';
