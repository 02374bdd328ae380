// Original file: proto/flotilla.proto


export interface JoinGroupResponse {
  'memberId'?: (string);
  'generation'?: (number);
  'strategy'?: (string);
  'members'?: (string)[];
}

export interface JoinGroupResponse__Output {
  'memberId': (string);
  'generation': (number);
  'strategy': (string);
  'members': (string)[];
}
