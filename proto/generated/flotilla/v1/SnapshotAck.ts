// Original file: proto/peer.proto


export interface SnapshotAck {
  'ok'?: (boolean);
  'error'?: (string);
}

export interface SnapshotAck__Output {
  'ok': (boolean);
  'error': (string);
}
