// Original file: proto/peer.proto

import type { MemberPeer as _flotilla_v1_MemberPeer, MemberPeer__Output as _flotilla_v1_MemberPeer__Output } from '../../flotilla/v1/MemberPeer';

export interface MemberStatusResponse {
  'clusterId'?: (string);
  'registered'?: (boolean);
  'peerAddress'?: (string);
  'fresh'?: (boolean);
  'incarnation'?: (string);
  'awaitingReadmission'?: (boolean);
  'peers'?: (_flotilla_v1_MemberPeer)[];
}

export interface MemberStatusResponse__Output {
  'clusterId': (string);
  'registered': (boolean);
  'peerAddress': (string);
  'fresh': (boolean);
  'incarnation': (string);
  'awaitingReadmission': (boolean);
  'peers': (_flotilla_v1_MemberPeer__Output)[];
}
