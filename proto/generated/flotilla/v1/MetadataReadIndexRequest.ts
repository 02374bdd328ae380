// Original file: proto/peer.proto


export interface MetadataReadIndexRequest {
}

export interface MetadataReadIndexRequest__Output {
}
