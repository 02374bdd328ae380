// Original file: proto/flotilla.proto


export interface ReassignPartitionRequest {
  'topic'?: (string);
  'partition'?: (number);
  'replicas'?: (number)[];
}

export interface ReassignPartitionRequest__Output {
  'topic': (string);
  'partition': (number);
  'replicas': (number)[];
}
