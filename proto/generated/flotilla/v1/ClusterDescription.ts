// Original file: proto/flotilla.proto

import type { NodeDescription as _flotilla_v1_NodeDescription, NodeDescription__Output as _flotilla_v1_NodeDescription__Output } from '../../flotilla/v1/NodeDescription';

export interface ClusterDescription {
  'clusterId'?: (string);
  'controllerLeader'?: (number);
  'nodes'?: (_flotilla_v1_NodeDescription)[];
}

export interface ClusterDescription__Output {
  'clusterId': (string);
  'controllerLeader': (number);
  'nodes': (_flotilla_v1_NodeDescription__Output)[];
}
