// Original file: proto/flotilla.proto

import type { GroupSummary as _flotilla_v1_GroupSummary, GroupSummary__Output as _flotilla_v1_GroupSummary__Output } from '../../flotilla/v1/GroupSummary';

export interface ListGroupsResponse {
  'groups'?: (_flotilla_v1_GroupSummary)[];
}

export interface ListGroupsResponse__Output {
  'groups': (_flotilla_v1_GroupSummary__Output)[];
}
