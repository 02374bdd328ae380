// Original file: proto/flotilla.proto

import type { OffsetCommit as _flotilla_v1_OffsetCommit, OffsetCommit__Output as _flotilla_v1_OffsetCommit__Output } from '../../flotilla/v1/OffsetCommit';

export interface CommitOffsetsRequest {
  'groupId'?: (string);
  'memberId'?: (string);
  'generation'?: (number);
  'offsets'?: (_flotilla_v1_OffsetCommit)[];
}

export interface CommitOffsetsRequest__Output {
  'groupId': (string);
  'memberId': (string);
  'generation': (number);
  'offsets': (_flotilla_v1_OffsetCommit__Output)[];
}
