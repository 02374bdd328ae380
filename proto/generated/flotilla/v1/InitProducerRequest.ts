// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface InitProducerRequest {
  'producerName'?: (string);
  'currentProducerId'?: (number | string | Long);
  'currentProducerEpoch'?: (number);
}

export interface InitProducerRequest__Output {
  'producerName': (string);
  'currentProducerId': (number);
  'currentProducerEpoch': (number);
}
