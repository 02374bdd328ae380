// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface CommittedOffset {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'metadata'?: (string);
  'commitTimestampMs'?: (number | string | Long);
}

export interface CommittedOffset__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
  'metadata': (string);
  'commitTimestampMs': (number);
}
