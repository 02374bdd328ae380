// Original file: proto/flotilla.proto


export interface HeartbeatResponse {
  'rebalanceInProgress'?: (boolean);
}

export interface HeartbeatResponse__Output {
  'rebalanceInProgress': (boolean);
}
