import { describe, expect, it } from 'vitest';
import { EntryType } from '../raft/types';
import { decodeEntry, decodeSnapshot, decodeState, encodeEntries, encodeSnapshot, encodeState, type GroupState } from './codec';
import { entryKey, indexOfEntryKey } from './keys';

/**
 * The bytes this version writes to LevelDB, pinned: they are the ones earlier versions wrote (the
 * hex below was taken from them), so a store written before reads back, and a change to a format
 * fails here first. Numbers past 2^32 make every u64's high word count.
 */
const GROUP = 7;
const entries = [
  { index: 2 ** 40 + 3, term: 2 ** 33 + 5, type: EntryType.Normal, data: Uint8Array.from([1, 2, 3]) },
  { index: 2 ** 40 + 4, term: 2 ** 33 + 5, type: EntryType.ConfChange, data: new Uint8Array(0) },
];
const state: GroupState = {
  hardState: { term: 2 ** 35 + 1, vote: 3, commit: 2 ** 41 + 7 },
  snapIndex: 2 ** 41,
  snapTerm: 2 ** 34,
  lastIndex: 2 ** 41 + 9,
  conf: { voters: [1, 2, 3], learners: [4] },
  runs: [
    { start: 2 ** 41 + 1, term: 2 ** 34 },
    { start: 2 ** 41 + 5, term: 2 ** 35 + 1 },
  ],
};
const snapshotMeta = { index: 2 ** 42 + 11, term: 2 ** 36 + 2, conf: { voters: [5, 6], learners: [] } };

const ENTRY_VALUES = ['5d428df0000000020000000500010203', 'd2693cad000000020000000501'];
const STATE_VALUE =
  'f8cde9f80100000008000000010000000300000200000000070000020000000000000000040000000000000200000000' +
  '090003000000010000000200000003000100000004000000020000020000000001000000040000000000000200000000' +
  '050000000800000001';
const SNAPSHOT_VALUE = '635bba7f000004000000000b00000010000000020002000000050000000600000405';
const ENTRY_KEY = '65000000070000200000000001';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the store\'s on-disk formats', () => {
  it('entry values are the bytes earlier versions wrote, and those bytes read back as the entries', () => {
    expect(encodeEntries(GROUP, entries).values.map(hex)).toEqual(ENTRY_VALUES);
    const read = ENTRY_VALUES.map((v, i) => decodeEntry(GROUP, entries[i].index, Buffer.from(v, 'hex')));
    expect(read.map((e) => ({ ...e, data: [...e.data] }))).toEqual(entries.map((e) => ({ ...e, data: [...e.data] })));
  });

  it('a group state value is the bytes earlier versions wrote, and reads back', () => {
    expect(hex(encodeState(GROUP, state))).toBe(STATE_VALUE);
    expect(decodeState(GROUP, Buffer.from(STATE_VALUE, 'hex'))).toEqual(state);
  });

  it('a snapshot value is the bytes earlier versions wrote, and reads back', () => {
    expect(hex(encodeSnapshot(GROUP, snapshotMeta, Uint8Array.from([4, 5])))).toBe(SNAPSHOT_VALUE);
    const read = decodeSnapshot(GROUP, Buffer.from(SNAPSHOT_VALUE, 'hex'));
    expect([read.metadata, [...read.data]]).toEqual([snapshotMeta, [4, 5]]);
  });

  it('an entry key is the bytes earlier versions wrote, and gives back its index', () => {
    expect(hex(entryKey(GROUP, 2 ** 45 + 1))).toBe(ENTRY_KEY);
    expect(indexOfEntryKey(Buffer.from(ENTRY_KEY, 'hex'))).toBe(2 ** 45 + 1);
  });
});
