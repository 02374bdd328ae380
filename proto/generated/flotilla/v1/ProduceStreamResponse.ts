// Original file: proto/flotilla.proto

import type { ProduceResponse as _flotilla_v1_ProduceResponse, ProduceResponse__Output as _flotilla_v1_ProduceResponse__Output } from '../../flotilla/v1/ProduceResponse';
import type { ErrorStatus as _flotilla_v1_ErrorStatus, ErrorStatus__Output as _flotilla_v1_ErrorStatus__Output } from '../../flotilla/v1/ErrorStatus';
import type { Long } from '@grpc/proto-loader';

export interface ProduceStreamResponse {
  'correlationId'?: (number | string | Long);
  'response'?: (_flotilla_v1_ProduceResponse | null);
  'error'?: (_flotilla_v1_ErrorStatus | null);
  'result'?: "response"|"error";
}

export interface ProduceStreamResponse__Output {
  'correlationId': (number);
  'response'?: (_flotilla_v1_ProduceResponse__Output | null);
  'error'?: (_flotilla_v1_ErrorStatus__Output | null);
  'result'?: "response"|"error";
}
