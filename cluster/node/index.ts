/**
 * The node server: many Raft groups on one node (the metadata group and the partitions assigned
 * here) over one LevelDB store, served to other nodes (Peer) and to clients (Flotilla).
 */
export { startNode, FlotillaNode } from './node-server';
export { DEFAULT_TUNING, type NodeOptions, type NodeStartOptions, type NodeTuning } from './node-options';
