// Original file: proto/flotilla.proto

import type { Header as _flotilla_v1_Header, Header__Output as _flotilla_v1_Header__Output } from '../../flotilla/v1/Header';
import type { Long } from '@grpc/proto-loader';

export interface Record {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_flotilla_v1_Header)[];
  'timestampMs'?: (number | string | Long);
  '_key'?: "key";
}

export interface Record__Output {
  'key'?: (Buffer);
  'value': (Buffer);
  'headers': (_flotilla_v1_Header__Output)[];
  'timestampMs': (number);
  '_key'?: "key";
}
