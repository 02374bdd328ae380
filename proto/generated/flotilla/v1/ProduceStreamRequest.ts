// Original file: proto/flotilla.proto

import type { ProduceRequest as _flotilla_v1_ProduceRequest, ProduceRequest__Output as _flotilla_v1_ProduceRequest__Output } from '../../flotilla/v1/ProduceRequest';
import type { Long } from '@grpc/proto-loader';

export interface ProduceStreamRequest {
  'correlationId'?: (number | string | Long);
  'request'?: (_flotilla_v1_ProduceRequest | null);
}

export interface ProduceStreamRequest__Output {
  'correlationId': (number);
  'request': (_flotilla_v1_ProduceRequest__Output | null);
}
