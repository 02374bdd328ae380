// Original file: proto/flotilla.proto

import type { ReplicaState as _flotilla_v1_ReplicaState, ReplicaState__Output as _flotilla_v1_ReplicaState__Output } from '../../flotilla/v1/ReplicaState';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaStatus {
  'node'?: (number);
  'state'?: (_flotilla_v1_ReplicaState);
  'lagRecords'?: (number | string | Long);
  'lagBytes'?: (number | string | Long);
  'lastHeardMs'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'reason'?: (string);
}

export interface ReplicaStatus__Output {
  'node': (number);
  'state': (_flotilla_v1_ReplicaState__Output);
  'lagRecords': (number);
  'lagBytes': (number);
  'lastHeardMs': (number);
  'logEndOffset': (number);
  'reason': (string);
}
