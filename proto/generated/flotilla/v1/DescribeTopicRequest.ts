// Original file: proto/flotilla.proto


export interface DescribeTopicRequest {
  'name'?: (string);
}

export interface DescribeTopicRequest__Output {
  'name': (string);
}
