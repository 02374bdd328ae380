// Original file: proto/flotilla.proto

import type { TopicSummary as _flotilla_v1_TopicSummary, TopicSummary__Output as _flotilla_v1_TopicSummary__Output } from '../../flotilla/v1/TopicSummary';

export interface ListTopicsResponse {
  'topics'?: (_flotilla_v1_TopicSummary)[];
}

export interface ListTopicsResponse__Output {
  'topics': (_flotilla_v1_TopicSummary__Output)[];
}
