// Original file: proto/flotilla.proto

import type { TopicPartitions as _flotilla_v1_TopicPartitions, TopicPartitions__Output as _flotilla_v1_TopicPartitions__Output } from '../../flotilla/v1/TopicPartitions';

export interface FetchOffsetsRequest {
  'groupId'?: (string);
  'partitions'?: (_flotilla_v1_TopicPartitions)[];
}

export interface FetchOffsetsRequest__Output {
  'groupId': (string);
  'partitions': (_flotilla_v1_TopicPartitions__Output)[];
}
