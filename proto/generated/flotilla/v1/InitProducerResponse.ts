// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface InitProducerResponse {
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
}

export interface InitProducerResponse__Output {
  'producerId': (number);
  'producerEpoch': (number);
}
