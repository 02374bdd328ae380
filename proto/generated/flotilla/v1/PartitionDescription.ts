// Original file: proto/flotilla.proto

import type { FencedReplica as _flotilla_v1_FencedReplica, FencedReplica__Output as _flotilla_v1_FencedReplica__Output } from '../../flotilla/v1/FencedReplica';
import type { ReplicaStatus as _flotilla_v1_ReplicaStatus, ReplicaStatus__Output as _flotilla_v1_ReplicaStatus__Output } from '../../flotilla/v1/ReplicaStatus';
import type { CompactionProgress as _flotilla_v1_CompactionProgress, CompactionProgress__Output as _flotilla_v1_CompactionProgress__Output } from '../../flotilla/v1/CompactionProgress';
import type { Long } from '@grpc/proto-loader';

export interface PartitionDescription {
  'partition'?: (number);
  'groupId'?: (number | string | Long);
  'leader'?: (number);
  'leaderAddress'?: (string);
  'replicas'?: (number)[];
  'inSyncReplicas'?: (number)[];
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
  'leaderEpoch'?: (number | string | Long);
  'leaderUnreachable'?: (boolean);
  'fencedReplicas'?: (_flotilla_v1_FencedReplica)[];
  'replicaStatus'?: (_flotilla_v1_ReplicaStatus)[];
  'removingReplicas'?: (number)[];
  'resyncingReplicas'?: (number)[];
  'compaction'?: (_flotilla_v1_CompactionProgress | null);
}

export interface PartitionDescription__Output {
  'partition': (number);
  'groupId': (number);
  'leader': (number);
  'leaderAddress': (string);
  'replicas': (number)[];
  'inSyncReplicas': (number)[];
  'logStartOffset': (number);
  'logEndOffset': (number);
  'highWatermark': (number);
  'leaderEpoch': (number);
  'leaderUnreachable': (boolean);
  'fencedReplicas': (_flotilla_v1_FencedReplica__Output)[];
  'replicaStatus': (_flotilla_v1_ReplicaStatus__Output)[];
  'removingReplicas': (number)[];
  'resyncingReplicas': (number)[];
  'compaction': (_flotilla_v1_CompactionProgress__Output | null);
}
