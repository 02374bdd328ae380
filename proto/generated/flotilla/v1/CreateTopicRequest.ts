// Original file: proto/flotilla.proto


export interface CreateTopicRequest {
  'name'?: (string);
  'partitions'?: (number);
  'replicationFactor'?: (number);
  'config'?: ({[key: string]: string});
}

export interface CreateTopicRequest__Output {
  'name': (string);
  'partitions': (number);
  'replicationFactor': (number);
  'config': ({[key: string]: string});
}
