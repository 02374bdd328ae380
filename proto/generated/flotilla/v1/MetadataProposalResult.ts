// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface MetadataProposalResult {
  'index'?: (number | string | Long);
  'errorCode'?: (string);
  'errorMessage'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
}

export interface MetadataProposalResult__Output {
  'index': (number);
  'errorCode': (string);
  'errorMessage': (string);
  'producerId': (number);
  'producerEpoch': (number);
}
