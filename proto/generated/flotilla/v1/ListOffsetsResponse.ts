// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsResponse {
  'offset'?: (number | string | Long);
}

export interface ListOffsetsResponse__Output {
  'offset': (number);
}
