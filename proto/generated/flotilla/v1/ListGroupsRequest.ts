// Original file: proto/flotilla.proto


export interface ListGroupsRequest {
  'partition'?: (number);
}

export interface ListGroupsRequest__Output {
  'partition': (number);
}
