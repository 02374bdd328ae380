// Original file: proto/peer.proto


export interface MemberStatusRequest {
  'node'?: (number);
}

export interface MemberStatusRequest__Output {
  'node': (number);
}
