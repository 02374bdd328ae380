// Original file: proto/peer.proto

import type { GroupState as _flotilla_v1_GroupState, GroupState__Output as _flotilla_v1_GroupState__Output } from '../../flotilla/v1/GroupState';

export interface GroupStatusResponse {
  'groups'?: (_flotilla_v1_GroupState)[];
}

export interface GroupStatusResponse__Output {
  'groups': (_flotilla_v1_GroupState__Output)[];
}
