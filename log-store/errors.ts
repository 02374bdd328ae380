/** A stored value failed its checksum or did not parse: never returned as data. */
export class CorruptionError extends Error {
  constructor(
    readonly group: number,
    readonly index: number | undefined,
    readonly what: string,
  ) {
    super(
      `corrupt ${what} in group ${group}${index === undefined ? '' : ` at index ${index}`}: checksum mismatch or malformed record. ` +
        'This data is never served: the group is fenced on this node, its other replicas serve it, ' +
        'and this replica is resynced from them (removed from the group, then readmitted empty).',
    );
    this.name = 'CorruptionError';
  }
}

/** The data directory cannot be used by this node. */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/**
 * A write to the data directory failed after the in-memory view of some group had already moved
 * ahead of the disk. The store refuses all further work: the node must
 * stop and restart, which rebuilds memory from what is really on disk.
 */
export class StoreFailedError extends Error {
  /** LevelDB found its own files damaged: a restart does not help while they are. */
  readonly damaged: boolean;

  constructor(
    readonly dir: string,
    readonly failure: unknown,
  ) {
    const damaged = isLevelDbCorruption(failure);
    super(
      `log store at ${dir} has stopped after a failed write (${failure instanceof Error ? failure.message : String(failure)}): ` +
        (damaged
          ? 'LevelDB found its files damaged, and a restart does not repair them: the node will not start on this directory again. ' +
            'To recover, move the node\'s data directory away (keep it for inspection) and start the node again: on a new directory it rejoins empty and is resynced from the other replicas.'
          : 'its memory may be ahead of its disk. Restart the node; it recovers from what is on disk.'),
    );
    this.name = 'StoreFailedError';
    this.damaged = damaged;
  }
}

/** Whether an error from LevelDB says its files are damaged (its "Corruption: ..." status). */
export function isLevelDbCorruption(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if ((x as { code?: string }).code === 'LEVEL_CORRUPTION' || /\bCorruption:/.test(x.message)) return true;
  }
  return false;
}
