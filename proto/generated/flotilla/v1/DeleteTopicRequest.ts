// Original file: proto/flotilla.proto


export interface DeleteTopicRequest {
  'name'?: (string);
}

export interface DeleteTopicRequest__Output {
  'name': (string);
}
