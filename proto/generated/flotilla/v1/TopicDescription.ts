// Original file: proto/flotilla.proto

import type { PartitionDescription as _flotilla_v1_PartitionDescription, PartitionDescription__Output as _flotilla_v1_PartitionDescription__Output } from '../../flotilla/v1/PartitionDescription';
import type { Long } from '@grpc/proto-loader';

export interface TopicDescription {
  'name'?: (string);
  'id'?: (number | string | Long);
  'config'?: ({[key: string]: string});
  'replicationFactor'?: (number);
  'partitions'?: (_flotilla_v1_PartitionDescription)[];
}

export interface TopicDescription__Output {
  'name': (string);
  'id': (number);
  'config': ({[key: string]: string});
  'replicationFactor': (number);
  'partitions': (_flotilla_v1_PartitionDescription__Output)[];
}
