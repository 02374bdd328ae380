// Original file: proto/flotilla.proto

import type { Acks as _flotilla_v1_Acks, Acks__Output as _flotilla_v1_Acks__Output } from '../../flotilla/v1/Acks';
import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  'topic'?: (string);
  'partition'?: (number);
  'acks'?: (_flotilla_v1_Acks);
  'expectedOffset'?: (number | string | Long);
  'recordBatch'?: (Buffer | Uint8Array | string);
  '_expectedOffset'?: "expectedOffset";
}

export interface ProduceRequest__Output {
  'topic': (string);
  'partition': (number);
  'acks': (_flotilla_v1_Acks__Output);
  'expectedOffset'?: (number);
  'recordBatch': (Buffer);
  '_expectedOffset'?: "expectedOffset";
}
