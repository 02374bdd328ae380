// Original file: proto/flotilla.proto


export interface DescribeGroupRequest {
  'groupId'?: (string);
}

export interface DescribeGroupRequest__Output {
  'groupId': (string);
}
