// Original file: proto/flotilla.proto


export interface RemoveNodeRequest {
  'node'?: (number);
}

export interface RemoveNodeRequest__Output {
  'node': (number);
}
