// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface TopicSummary {
  'name'?: (string);
  'id'?: (number | string | Long);
  'partitions'?: (number);
  'replicationFactor'?: (number);
}

export interface TopicSummary__Output {
  'name': (string);
  'id': (number);
  'partitions': (number);
  'replicationFactor': (number);
}
