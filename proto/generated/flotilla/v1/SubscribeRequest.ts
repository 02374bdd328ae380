// Original file: proto/flotilla.proto

import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'maxBytes'?: (number);
}

export interface SubscribeRequest__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
  'maxBytes': (number);
}
