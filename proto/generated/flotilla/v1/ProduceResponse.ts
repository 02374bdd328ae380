// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  'baseOffset'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
  'logAppendTimeMs'?: (number | string | Long);
  'duplicate'?: (boolean);
}

export interface ProduceResponse__Output {
  'baseOffset': (number);
  'lastOffset': (number);
  'logAppendTimeMs': (number);
  'duplicate': (boolean);
}
