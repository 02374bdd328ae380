// Original file: proto/flotilla.proto


export interface RemoveNodeResponse {
}

export interface RemoveNodeResponse__Output {
}
