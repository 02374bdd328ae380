// Original file: proto/flotilla.proto

import type { Record as _flotilla_v1_Record, Record__Output as _flotilla_v1_Record__Output } from '../../flotilla/v1/Record';
import type { Acks as _flotilla_v1_Acks, Acks__Output as _flotilla_v1_Acks__Output } from '../../flotilla/v1/Acks';
import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  'topic'?: (string);
  'partition'?: (number);
  'records'?: (_flotilla_v1_Record)[];
  'acks'?: (_flotilla_v1_Acks);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'baseSequence'?: (number | string | Long);
  'expectedOffset'?: (number | string | Long);
  '_producerId'?: "producerId";
  '_baseSequence'?: "baseSequence";
  '_expectedOffset'?: "expectedOffset";
}

export interface ProduceRequest__Output {
  'topic': (string);
  'partition': (number);
  'records': (_flotilla_v1_Record__Output)[];
  'acks': (_flotilla_v1_Acks__Output);
  'producerId'?: (number);
  'producerEpoch': (number);
  'baseSequence'?: (number);
  'expectedOffset'?: (number);
  '_producerId'?: "producerId";
  '_baseSequence'?: "baseSequence";
  '_expectedOffset'?: "expectedOffset";
}
