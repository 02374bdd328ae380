// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface MetadataReadIndexResponse {
  'index'?: (number | string | Long);
}

export interface MetadataReadIndexResponse__Output {
  'index': (number);
}
