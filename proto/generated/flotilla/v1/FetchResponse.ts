// Original file: proto/flotilla.proto

import type { RecordWithOffset as _flotilla_v1_RecordWithOffset, RecordWithOffset__Output as _flotilla_v1_RecordWithOffset__Output } from '../../flotilla/v1/RecordWithOffset';
import type { Long } from '@grpc/proto-loader';

export interface FetchResponse {
  'records'?: (_flotilla_v1_RecordWithOffset)[];
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
}

export interface FetchResponse__Output {
  'records': (_flotilla_v1_RecordWithOffset__Output)[];
  'highWatermark': (number);
  'logStartOffset': (number);
}
