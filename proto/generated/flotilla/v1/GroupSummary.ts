// Original file: proto/flotilla.proto


export interface GroupSummary {
  'groupId'?: (string);
  'state'?: (string);
  'members'?: (number);
  'strategy'?: (string);
}

export interface GroupSummary__Output {
  'groupId': (string);
  'state': (string);
  'members': (number);
  'strategy': (string);
}
