// Original file: proto/flotilla.proto


export interface Header {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface Header__Output {
  'key': (string);
  'value': (Buffer);
}
