// Original file: proto/flotilla.proto


export interface CreatePartitionsRequest {
  'name'?: (string);
  'partitions'?: (number);
}

export interface CreatePartitionsRequest__Output {
  'name': (string);
  'partitions': (number);
}
