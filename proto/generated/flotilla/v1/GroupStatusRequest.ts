// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface GroupStatusRequest {
  'groups'?: (number | string | Long)[];
}

export interface GroupStatusRequest__Output {
  'groups': (number)[];
}
