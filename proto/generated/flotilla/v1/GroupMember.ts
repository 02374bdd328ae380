// Original file: proto/flotilla.proto

import type { TopicPartitions as _flotilla_v1_TopicPartitions, TopicPartitions__Output as _flotilla_v1_TopicPartitions__Output } from '../../flotilla/v1/TopicPartitions';
import type { Long } from '@grpc/proto-loader';

export interface GroupMember {
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'clientId'?: (string);
  'topics'?: (string)[];
  'assignment'?: (_flotilla_v1_TopicPartitions)[];
  'lastHeartbeatAgeMs'?: (number | string | Long);
}

export interface GroupMember__Output {
  'memberId': (string);
  'groupInstanceId': (string);
  'clientId': (string);
  'topics': (string)[];
  'assignment': (_flotilla_v1_TopicPartitions__Output)[];
  'lastHeartbeatAgeMs': (number);
}
