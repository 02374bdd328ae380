// Original file: proto/flotilla.proto


export interface NodeDescription {
  'id'?: (number);
  'address'?: (string);
  'alive'?: (boolean);
}

export interface NodeDescription__Output {
  'id': (number);
  'address': (string);
  'alive': (boolean);
}
