// Original file: proto/flotilla.proto


export interface LeaveGroupResponse {
}

export interface LeaveGroupResponse__Output {
}
