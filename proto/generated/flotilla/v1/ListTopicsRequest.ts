// Original file: proto/flotilla.proto


export interface ListTopicsRequest {
}

export interface ListTopicsRequest__Output {
}
