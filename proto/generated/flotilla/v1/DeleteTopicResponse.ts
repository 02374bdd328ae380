// Original file: proto/flotilla.proto


export interface DeleteTopicResponse {
}

export interface DeleteTopicResponse__Output {
}
