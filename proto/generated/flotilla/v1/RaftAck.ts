// Original file: proto/peer.proto


export interface RaftAck {
  'ok'?: (boolean);
}

export interface RaftAck__Output {
  'ok': (boolean);
}
