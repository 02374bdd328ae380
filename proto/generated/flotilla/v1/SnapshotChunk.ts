// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface SnapshotChunk {
  'group'?: (number | string | Long);
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'last'?: (boolean);
  'metadata'?: (Buffer | Uint8Array | string);
  'from'?: (number);
  'to'?: (number);
}

export interface SnapshotChunk__Output {
  'group': (number);
  'index': (number);
  'term': (number);
  'offset': (number);
  'data': (Buffer);
  'last': (boolean);
  'metadata': (Buffer);
  'from': (number);
  'to': (number);
}
