// Original file: proto/peer.proto

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
}
