// Original file: proto/flotilla.proto

export const Acks = {
  ACKS_ALL: 'ACKS_ALL',
  ACKS_LEADER: 'ACKS_LEADER',
} as const;

export type Acks =
  | 'ACKS_ALL'
  | 0
  | 'ACKS_LEADER'
  | 1

export type Acks__Output = typeof Acks[keyof typeof Acks]
