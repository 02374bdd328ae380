// Original file: proto/flotilla.proto


export interface HeartbeatRequest {
  'groupId'?: (string);
  'memberId'?: (string);
  'generation'?: (number);
}

export interface HeartbeatRequest__Output {
  'groupId': (string);
  'memberId': (string);
  'generation': (number);
}
