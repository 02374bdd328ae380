// Original file: proto/peer.proto


export interface MemberStatusResponse {
  'clusterId'?: (string);
  'registered'?: (boolean);
  'peerAddress'?: (string);
  'fresh'?: (boolean);
  'incarnation'?: (string);
  'awaitingReadmission'?: (boolean);
}

export interface MemberStatusResponse__Output {
  'clusterId': (string);
  'registered': (boolean);
  'peerAddress': (string);
  'fresh': (boolean);
  'incarnation': (string);
  'awaitingReadmission': (boolean);
}
