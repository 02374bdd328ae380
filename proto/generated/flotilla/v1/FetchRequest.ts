// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchRequest {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'maxBytes'?: (number);
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
}

export interface FetchRequest__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
  'maxBytes': (number);
  'maxWaitMs': (number);
  'minBytes': (number);
}
