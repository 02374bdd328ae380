// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface GroupReplica {
  'node'?: (number);
  'state'?: (string);
  'lagRecords'?: (number | string | Long);
  'lagBytes'?: (number | string | Long);
  'lastHeardMs'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'reason'?: (string);
}

export interface GroupReplica__Output {
  'node': (number);
  'state': (string);
  'lagRecords': (number);
  'lagBytes': (number);
  'lastHeardMs': (number);
  'logEndOffset': (number);
  'reason': (string);
}
