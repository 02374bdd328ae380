// Original file: proto/flotilla.proto

import type { OffsetSpec as _flotilla_v1_OffsetSpec, OffsetSpec__Output as _flotilla_v1_OffsetSpec__Output } from '../../flotilla/v1/OffsetSpec';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsRequest {
  'topic'?: (string);
  'partition'?: (number);
  'spec'?: (_flotilla_v1_OffsetSpec);
  'timestampMs'?: (number | string | Long);
}

export interface ListOffsetsRequest__Output {
  'topic': (string);
  'partition': (number);
  'spec': (_flotilla_v1_OffsetSpec__Output);
  'timestampMs': (number);
}
