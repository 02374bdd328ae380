/** Durable Raft storage on LevelDB: every group of a node in one database, with group commit. */
export { LogStore, StoreBatch, type LogStoreOptions, type StoreStats } from './log-store';
export { GroupStorage } from './group-storage';
export { CorruptionError, StoreFailedError, StoreOpenError } from './errors';
export { crc32c } from '../bytes';
export type { KvDatabase, KvIterator, KvKeyIterator, KvOp, KvRange } from './kv';
export { SimKv, SimKvError, type SimKvIo, type SimKvOptions, type SimKvStatus } from './sim-kv';
