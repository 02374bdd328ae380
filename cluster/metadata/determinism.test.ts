import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../raft';
import { applyAll, commandArb, commandsArb } from './arbitraries';
import { decodeCommand, encodeCommand } from './command-codec';
import { MetadataState } from './metadata-state';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec';

describe('determinism', () => {
  it('two state machines applying the same entries return equal results and end with identical snapshots', () => {
    fc.assert(
      fc.property(commandsArb(), (commands) => {
        const a = new MetadataState();
        const b = new MetadataState();
        expect(applyAll(a, commands)).toEqual(applyAll(b, commands));
        expect(Buffer.from(a.snapshot()).equals(Buffer.from(b.snapshot()))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('restoring a snapshot taken at any point, then applying the rest, gives the same results and state as never snapshotting', () => {
    fc.assert(
      fc.property(commandsArb(), fc.nat(), (commands, cut) => {
        const at = cut % (commands.length + 1);
        const straight = new MetadataState();
        const straightResults = applyAll(straight, commands);

        const first = new MetadataState();
        applyAll(first, commands.slice(0, at));
        const restored = new MetadataState();
        restored.restore({ metadata: { index: first.appliedIndex, term: 1, conf: { voters: [1], learners: [] } }, data: first.snapshot() });
        expect(restored.image()).toEqual(first.image());
        const restResults = applyAll(restored, commands.slice(at));

        expect(restResults).toEqual(straightResults.slice(at));
        expect(Buffer.from(restored.snapshot()).equals(Buffer.from(straight.snapshot()))).toBe(true);
        expect(restored.image()).toEqual(straight.image());
      }),
      { numRuns: 200 },
    );
  });

  it('a snapshot decodes to the image it was made from', () => {
    fc.assert(
      fc.property(commandsArb(), (commands) => {
        const state = new MetadataState();
        applyAll(state, commands);
        expect(decodeSnapshot(encodeSnapshot(state.image()))).toEqual(state.image());
        expect(MetadataState.fromSnapshot(state.snapshot()).image()).toEqual(state.image());
      }),
      { numRuns: 100 },
    );
  });

  it('every command decodes to itself after encoding', () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        expect(decodeCommand(encodeCommand(command))).toEqual(command);
      }),
      { numRuns: 500 },
    );
  });

  it('numbers of any value round-trip, so apply (not the codec) decides what is valid', () => {
    for (const partitions of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
      const command = { type: 'createTopic' as const, name: 't', partitions, replicationFactor: 1, config: {} };
      expect(decodeCommand(encodeCommand(command))).toEqual(command);
    }
  });

  it('a command of an unknown version or type stops apply with UNSUPPORTED_VERSION rather than being skipped', () => {
    const state = new MetadataState();
    const data = encodeCommand({ type: 'initCluster', clusterId: 'c1' });
    const newer = Uint8Array.from(data);
    newer[0] = 2;
    expect(() => state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data: newer })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_VERSION', message: expect.stringMatching(/version 2 .*upgrade this node/) }),
    );
    const unknownType = Uint8Array.from(data);
    unknownType[1] = 200;
    expect(() => state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data: unknownType })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_VERSION', message: expect.stringMatching(/command type 200/) }),
    );
    expect(state.appliedIndex).toBe(0);
  });

  it('malformed command bytes are refused as CORRUPT_COMMAND and change nothing but the applied index', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), (command, cut) => {
        const data = encodeCommand(command);
        const truncated = data.subarray(0, 2 + (cut % (data.length - 2)));
        if (truncated.length === data.length) return;
        const state = new MetadataState();
        const before = state.image();
        const result = state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data: truncated });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.code).toBe('CORRUPT_COMMAND');
        expect(state.image()).toEqual({ ...before, appliedIndex: 1 });
      }),
      { numRuns: 300 },
    );
  });

  it('bytes after a complete command are refused as CORRUPT_COMMAND', () => {
    const data = encodeCommand({ type: 'deleteTopic', name: 'x' });
    const state = new MetadataState();
    const result = state.applyEntry({ term: 1, index: 1, type: EntryType.Normal, data: Uint8Array.from([...data, 0]) });
    expect(result.ok ? undefined : result.error.code).toBe('CORRUPT_COMMAND');
  });

  it('snapshot bytes that are cut short are refused as CORRUPT_SNAPSHOT', () => {
    const state = new MetadataState();
    applyAll(state, [
      { type: 'registerNode', nodeId: 1, host: 'a:1', peerAddress: 'a:2' },
      { type: 'createTopic', name: 't', partitions: 2, replicationFactor: 1, config: { 'retention.ms': '5' } },
    ]);
    const data = state.snapshot();
    for (let len = 0; len < data.length; len++) {
      expect(() => MetadataState.fromSnapshot(data.subarray(0, len))).toThrow(expect.objectContaining({ code: 'CORRUPT_SNAPSHOT' }));
    }
  });
});
