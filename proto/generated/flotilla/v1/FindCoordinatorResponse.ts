// Original file: proto/flotilla.proto


export interface FindCoordinatorResponse {
  'topic'?: (string);
  'partition'?: (number);
  'partitions'?: (number);
  'coordinator'?: (number);
  'coordinatorAddress'?: (string);
}

export interface FindCoordinatorResponse__Output {
  'topic': (string);
  'partition': (number);
  'partitions': (number);
  'coordinator': (number);
  'coordinatorAddress': (string);
}
