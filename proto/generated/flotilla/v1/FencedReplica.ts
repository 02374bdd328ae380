// Original file: proto/flotilla.proto


export interface FencedReplica {
  'node'?: (number);
  'reason'?: (string);
}

export interface FencedReplica__Output {
  'node': (number);
  'reason': (string);
}
