// Original file: proto/flotilla.proto


export interface DescribeClusterRequest {
}

export interface DescribeClusterRequest__Output {
}
