// Original file: proto/peer.proto


export interface RaftBatch {
  'payload'?: (Buffer | Uint8Array | string);
}

export interface RaftBatch__Output {
  'payload': (Buffer);
}
