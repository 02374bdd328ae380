// Original file: proto/peer.proto


export interface MemberPeer {
  'id'?: (number);
  'peerAddress'?: (string);
}

export interface MemberPeer__Output {
  'id': (number);
  'peerAddress': (string);
}
