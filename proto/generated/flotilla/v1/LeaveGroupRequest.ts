// Original file: proto/flotilla.proto


export interface LeaveGroupRequest {
  'groupId'?: (string);
  'memberId'?: (string);
}

export interface LeaveGroupRequest__Output {
  'groupId': (string);
  'memberId': (string);
}
