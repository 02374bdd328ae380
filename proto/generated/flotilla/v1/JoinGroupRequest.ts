// Original file: proto/flotilla.proto

import type { TopicPartitions as _flotilla_v1_TopicPartitions, TopicPartitions__Output as _flotilla_v1_TopicPartitions__Output } from '../../flotilla/v1/TopicPartitions';

export interface JoinGroupRequest {
  'groupId'?: (string);
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'clientId'?: (string);
  'sessionTimeoutMs'?: (number);
  'rebalanceTimeoutMs'?: (number);
  'topics'?: (string)[];
  'strategy'?: (string);
  'owned'?: (_flotilla_v1_TopicPartitions)[];
}

export interface JoinGroupRequest__Output {
  'groupId': (string);
  'memberId': (string);
  'groupInstanceId': (string);
  'clientId': (string);
  'sessionTimeoutMs': (number);
  'rebalanceTimeoutMs': (number);
  'topics': (string)[];
  'strategy': (string);
  'owned': (_flotilla_v1_TopicPartitions__Output)[];
}
