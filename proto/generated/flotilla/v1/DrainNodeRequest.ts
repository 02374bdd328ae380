// Original file: proto/flotilla.proto


export interface DrainNodeRequest {
  'node'?: (number);
}

export interface DrainNodeRequest__Output {
  'node': (number);
}
