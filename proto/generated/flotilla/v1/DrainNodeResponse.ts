// Original file: proto/flotilla.proto

import type { PartitionMove as _flotilla_v1_PartitionMove, PartitionMove__Output as _flotilla_v1_PartitionMove__Output } from '../../flotilla/v1/PartitionMove';

export interface DrainNodeResponse {
  'moves'?: (_flotilla_v1_PartitionMove)[];
}

export interface DrainNodeResponse__Output {
  'moves': (_flotilla_v1_PartitionMove__Output)[];
}
