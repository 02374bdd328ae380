// Original file: proto/flotilla.proto


export interface DeleteGroupRequest {
  'groupId'?: (string);
}

export interface DeleteGroupRequest__Output {
  'groupId': (string);
}
