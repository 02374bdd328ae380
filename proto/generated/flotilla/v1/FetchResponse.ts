// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchResponse {
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'recordBatches'?: (Buffer | Uint8Array | string);
}

export interface FetchResponse__Output {
  'highWatermark': (number);
  'logStartOffset': (number);
  'recordBatches': (Buffer);
}
