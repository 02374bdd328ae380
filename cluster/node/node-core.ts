import type { NodeId } from '../../raft';
import type { LogStore } from '../../log-store';
import { CONTROLLER_GROUP } from '../metadata';
import type { PeerCalls } from '../transport';
import type { Controller } from './controller';
import type { DataDirIdentity } from './identity';
import type { MultiRaft } from './multi-raft';
import { livenessWindowMs, type NodeTuning } from './node-options';
import type { LeaderHint } from './rpc-errors';

export interface NodeCoreParts {
  self: NodeId;
  tuning: NodeTuning;
  log: (line: string) => void;
  store: LogStore;
  multi: MultiRaft;
  controller: Controller;
  /** Peer addresses by node id: the initial peer list, this node included; nodes that join later are added. */
  peers: Map<NodeId, string>;
  peerCalls: PeerCalls;
  /** The data directory's incarnation, and whether the node rejoined after losing its data. */
  identity: DataDirIdentity;
}

/**
 * What the parts of a node share: its id and timing, its store and Raft host, the metadata group's
 * state machine, how to reach the other nodes, and whether it is stopping. FlotillaNode builds one
 * and hands it to each part, so no part needs the node itself.
 */
export class NodeCore {
  readonly self: NodeId;
  readonly tuning: NodeTuning;
  readonly log: (line: string) => void;
  readonly store: LogStore;
  readonly multi: MultiRaft;
  readonly controller: Controller;
  /** Peer addresses by node id: the initial peer list, then every node the metadata registers (learnPeers). */
  readonly peers: Map<NodeId, string>;
  readonly peerCalls: PeerCalls;
  readonly identity: DataDirIdentity;
  /** Set once, by FlotillaNode.stop(): every part stops starting new work. */
  stopping = false;

  constructor(parts: NodeCoreParts) {
    this.self = parts.self;
    this.tuning = parts.tuning;
    this.log = parts.log;
    this.store = parts.store;
    this.multi = parts.multi;
    this.controller = parts.controller;
    this.peers = parts.peers;
    this.peerCalls = parts.peerCalls;
    this.identity = parts.identity;
  }

  /** The metadata group's leader as this node's Raft sees it (0 = none known). */
  controllerLeader(): NodeId {
    return this.multi.node(CONTROLLER_GROUP)?.status().leader ?? 0;
  }

  /** A node and its client address as the metadata knows it, for a client to retry there. */
  hint(id: NodeId): LeaderHint {
    return { id, address: id ? (this.controller.state.node(id)?.host ?? '') : '' };
  }

  /**
   * Whether a node was heard from within the liveness window (two election timeouts; this node:
   * while it runs). Every node sends every other an empty frame per idle heartbeat interval
   * (PeerTransport.heartbeat), so this holds with or without shared groups.
   */
  alive(id: NodeId): boolean {
    if (id === this.self) return !this.stopping;
    const heard = this.multi.lastHeard.get(id);
    return heard !== undefined && Date.now() - heard < livenessWindowMs(this.tuning);
  }

  /** A group as a log line names it. */
  groupName(group: number): string {
    if (group === CONTROLLER_GROUP) return 'the metadata group';
    const p = this.controller.state.partitionByGroup(group);
    return p ? `topic "${p.topic}" partition ${p.partition} (group ${group})` : `group ${group}`;
  }
}
