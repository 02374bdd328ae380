import type { MetadataProposals } from './metadata-proposals';
import type { NodeCore } from './node-core';
import { toRpcError } from './rpc-errors';

/**
 * This node's entry in the metadata: at every start (its addresses may have changed) it registers
 * its client and peer addresses as soon as it knows a metadata leader, and the first leader of a
 * new cluster records the cluster id. Tried again at every housekeeping round until it is done.
 */
export class NodeRegistration {
  private done = false;
  private registering = false;

  constructor(
    private readonly core: NodeCore,
    private readonly proposals: MetadataProposals,
    private readonly clusterId: string,
    private readonly advertisedAddress: string,
  ) {}

  get registered(): boolean {
    return this.done;
  }

  /** Announce this node's addresses to the metadata group (at every start: they may have changed). */
  async register(): Promise<void> {
    const { core } = this;
    if (this.registering || core.stopping) return;
    const leader = core.controllerLeader();
    if (leader === 0) return;
    this.registering = true;
    try {
      const state = core.controller.state;
      const peerAddress = core.peers.get(core.self)!;
      if (leader === core.self && state.clusterId === '') {
        await this.proposals.propose({ type: 'initCluster', clusterId: this.clusterId }, 3000);
      }
      const me = state.node(core.self);
      const { incarnation, joinedEmpty } = core.identity;
      if (!me || me.host !== this.advertisedAddress || me.peerAddress !== peerAddress || me.incarnation !== incarnation) {
        await this.proposals.propose({ type: 'registerNode', nodeId: core.self, host: this.advertisedAddress, peerAddress, incarnation, lostData: joinedEmpty }, 3000);
      }
      const now = core.controller.state;
      this.done = now.clusterId !== '' && now.node(core.self)?.host === this.advertisedAddress && now.node(core.self)?.incarnation === incarnation;
      if (this.done) core.log(`node ${core.self}: registered with the cluster ${now.clusterId} (controller leader: node ${core.controllerLeader()})`);
    } catch (e) {
      const r = toRpcError(e);
      if (r.code !== 'NO_LEADER' && r.code !== 'TIMEOUT' && r.code !== 'NOT_LEADER') core.log(`node ${core.self}: registration failed: ${r.message}`);
    } finally {
      this.registering = false;
    }
  }
}
