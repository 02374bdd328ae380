// Original file: proto/peer.proto

import type { GroupReplica as _flotilla_v1_GroupReplica, GroupReplica__Output as _flotilla_v1_GroupReplica__Output } from '../../flotilla/v1/GroupReplica';
import type { CompactionProgress as _flotilla_v1_CompactionProgress, CompactionProgress__Output as _flotilla_v1_CompactionProgress__Output } from '../../flotilla/v1/CompactionProgress';
import type { Long } from '@grpc/proto-loader';

export interface GroupState {
  'group'?: (number | string | Long);
  'leader'?: (number);
  'term'?: (number | string | Long);
  'isLeader'?: (boolean);
  'inSync'?: (number)[];
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
  'node'?: (number);
  'failure'?: (string);
  'replicas'?: (_flotilla_v1_GroupReplica)[];
  'compaction'?: (_flotilla_v1_CompactionProgress | null);
}

export interface GroupState__Output {
  'group': (number);
  'leader': (number);
  'term': (number);
  'isLeader': (boolean);
  'inSync': (number)[];
  'logStartOffset': (number);
  'logEndOffset': (number);
  'highWatermark': (number);
  'node': (number);
  'failure': (string);
  'replicas': (_flotilla_v1_GroupReplica__Output)[];
  'compaction': (_flotilla_v1_CompactionProgress__Output | null);
}
