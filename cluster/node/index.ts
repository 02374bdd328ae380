/**
 * The node server: many Raft groups on one node (the metadata group and the partitions assigned
 * here) over one LevelDB store, served to other nodes (Peer) and to clients (Flotilla).
 */
export { startNode, FlotillaNode } from './node-server';
export { clusterIdOf } from './cluster-id';
export { DEFAULT_TUNING, type NodeOptions, type NodeStartOptions, type NodeTuning } from './node-options';
export { MultiRaft, type GroupStateMachine, type HostBatch, type HostStore, type StoreWork, type Transport } from './multi-raft';
export { PartitionReplica } from './partition-replica';
export { hostStore } from './store-adapter';
