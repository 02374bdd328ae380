// Original file: proto/flotilla.proto

import type { CommittedOffset as _flotilla_v1_CommittedOffset, CommittedOffset__Output as _flotilla_v1_CommittedOffset__Output } from '../../flotilla/v1/CommittedOffset';

export interface FetchOffsetsResponse {
  'offsets'?: (_flotilla_v1_CommittedOffset)[];
}

export interface FetchOffsetsResponse__Output {
  'offsets': (_flotilla_v1_CommittedOffset__Output)[];
}
