// Original file: proto/flotilla.proto


export interface PartitionMove {
  'topic'?: (string);
  'partition'?: (number);
  'from'?: (number)[];
  'to'?: (number)[];
}

export interface PartitionMove__Output {
  'topic': (string);
  'partition': (number);
  'from': (number)[];
  'to': (number)[];
}
