// Original file: proto/flotilla.proto


export interface DeleteGroupResponse {
}

export interface DeleteGroupResponse__Output {
}
