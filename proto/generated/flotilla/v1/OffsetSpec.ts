// Original file: proto/flotilla.proto

export const OffsetSpec = {
  OFFSET_SPEC_EARLIEST: 'OFFSET_SPEC_EARLIEST',
  OFFSET_SPEC_LATEST: 'OFFSET_SPEC_LATEST',
  OFFSET_SPEC_TIMESTAMP: 'OFFSET_SPEC_TIMESTAMP',
} as const;

export type OffsetSpec =
  | 'OFFSET_SPEC_EARLIEST'
  | 0
  | 'OFFSET_SPEC_LATEST'
  | 1
  | 'OFFSET_SPEC_TIMESTAMP'
  | 2

export type OffsetSpec__Output = typeof OffsetSpec[keyof typeof OffsetSpec]
