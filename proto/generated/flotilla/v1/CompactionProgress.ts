// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface CompactionProgress {
  'node'?: (number);
  'passes'?: (number | string | Long);
  'cleanedThroughOffset'?: (number | string | Long);
  'bytesReclaimed'?: (number | string | Long);
  'recordsRemoved'?: (number | string | Long);
  'tombstonesRemoved'?: (number | string | Long);
  'dirtyRatio'?: (number | string);
  'cleanedThroughIndex'?: (number | string | Long);
  'emptyThroughIndex'?: (number | string | Long);
  'lastPassMs'?: (number | string | Long);
}

export interface CompactionProgress__Output {
  'node': (number);
  'passes': (number);
  'cleanedThroughOffset': (number);
  'bytesReclaimed': (number);
  'recordsRemoved': (number);
  'tombstonesRemoved': (number);
  'dirtyRatio': (number);
  'cleanedThroughIndex': (number);
  'emptyThroughIndex': (number);
  'lastPassMs': (number);
}
