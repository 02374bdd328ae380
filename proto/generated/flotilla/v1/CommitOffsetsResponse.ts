// Original file: proto/flotilla.proto


export interface CommitOffsetsResponse {
}

export interface CommitOffsetsResponse__Output {
}
