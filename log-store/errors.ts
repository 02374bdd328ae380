/** A stored value failed its checksum or did not parse: never returned as data. */
export class CorruptionError extends Error {
  constructor(
    readonly group: number,
    readonly index: number | undefined,
    readonly what: string,
  ) {
    super(
      `corrupt ${what} in group ${group}${index === undefined ? '' : ` at index ${index}`}: checksum mismatch or malformed record. ` +
        'The node must not serve this data: restore the node from a replica (wipe its data directory and let it resync).',
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
