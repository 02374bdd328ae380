// Original file: proto/peer.proto


export interface MetadataProposal {
  'command'?: (Buffer | Uint8Array | string);
}

export interface MetadataProposal__Output {
  'command': (Buffer);
}
