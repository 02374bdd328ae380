// Original file: proto/flotilla.proto

import type { TopicPartitions as _flotilla_v1_TopicPartitions, TopicPartitions__Output as _flotilla_v1_TopicPartitions__Output } from '../../flotilla/v1/TopicPartitions';

export interface SyncGroupResponse {
  'assignment'?: (_flotilla_v1_TopicPartitions)[];
}

export interface SyncGroupResponse__Output {
  'assignment': (_flotilla_v1_TopicPartitions__Output)[];
}
