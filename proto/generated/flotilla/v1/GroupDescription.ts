// Original file: proto/flotilla.proto

import type { GroupMember as _flotilla_v1_GroupMember, GroupMember__Output as _flotilla_v1_GroupMember__Output } from '../../flotilla/v1/GroupMember';
import type { CommittedOffset as _flotilla_v1_CommittedOffset, CommittedOffset__Output as _flotilla_v1_CommittedOffset__Output } from '../../flotilla/v1/CommittedOffset';

export interface GroupDescription {
  'groupId'?: (string);
  'state'?: (string);
  'generation'?: (number);
  'strategy'?: (string);
  'members'?: (_flotilla_v1_GroupMember)[];
  'offsets'?: (_flotilla_v1_CommittedOffset)[];
  'coordinator'?: (number);
}

export interface GroupDescription__Output {
  'groupId': (string);
  'state': (string);
  'generation': (number);
  'strategy': (string);
  'members': (_flotilla_v1_GroupMember__Output)[];
  'offsets': (_flotilla_v1_CommittedOffset__Output)[];
  'coordinator': (number);
}
