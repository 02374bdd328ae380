import * as grpc from '@grpc/grpc-js';
import { type GroupState, loadPeerProto, type MemberStatusResponse, type MetadataProposalResult, type PeerClient } from '../../proto/load';
import { PEER_CHANNEL_OPTIONS } from './peer-transport';

/** Unary calls to other nodes' Peer service (metadata forwarding and reads, group status), one channel per node. */
export class PeerCalls {
  private readonly clients = new Map<string, PeerClient>();

  private client(address: string): PeerClient {
    let c = this.clients.get(address);
    if (!c) {
      const { Peer } = loadPeerProto();
      c = new Peer(address, grpc.credentials.createInsecure(), PEER_CHANNEL_OPTIONS);
      this.clients.set(address, c);
    }
    return c;
  }

  proposeMetadata(address: string, command: Uint8Array, deadline: number): Promise<MetadataProposalResult> {
    return new Promise((resolve, reject) => {
      this.client(address).proposeMetadata({ command: Buffer.from(command) }, new grpc.Metadata(), { deadline }, (err, res) =>
        err ? reject(err) : resolve(res!),
      );
    });
  }

  groupStatus(address: string, groups: number[], deadline: number): Promise<GroupState[]> {
    return new Promise((resolve, reject) => {
      this.client(address).groupStatus({ groups }, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res!.groups)));
    });
  }

  /** The metadata group's commit index, confirmed by its leader at `address` with ReadIndex. */
  metadataReadIndex(address: string, deadline: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.client(address).metadataReadIndex({}, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res!.index)));
    });
  }

  /** What the node at `address` knows of node `node` (a new data directory's question: is it a known member?). */
  memberStatus(address: string, node: number, deadline: number): Promise<MemberStatusResponse> {
    return new Promise((resolve, reject) => {
      this.client(address).memberStatus({ node }, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res!)));
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
