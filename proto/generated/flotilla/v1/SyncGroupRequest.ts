// Original file: proto/flotilla.proto


export interface SyncGroupRequest {
  'groupId'?: (string);
  'memberId'?: (string);
  'generation'?: (number);
}

export interface SyncGroupRequest__Output {
  'groupId': (string);
  'memberId': (string);
  'generation': (number);
}
