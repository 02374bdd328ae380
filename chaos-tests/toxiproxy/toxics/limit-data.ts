import { END, INTERRUPTED, type Pipe } from '../stub';

/** Bytes let through before the connection is closed. */
export interface LimitDataAttributes {
  bytes: number;
}

export const LIMIT_DATA_FIELDS = ['bytes'] as const;

/** How many bytes this connection has let through: kept across updates of the toxic. */
export interface LimitDataState {
  transmitted: number;
}

/**
 * Lets exactly `bytes` bytes through, then closes the connection (the rest of the chunk that
 * crossed the limit is dropped). With a limit of 0 the connection closes when data first comes.
 */
export function limitDataPipe(attributes: LimitDataAttributes): Pipe {
  return async (stub) => {
    const state = stub.state as LimitDataState;
    for (;;) {
      const item = await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END) return stub.close();
      const remaining = Math.max(0, attributes.bytes - state.transmitted);
      const data = item.data.subarray(0, remaining);
      stub.drop(item.data.length - data.length);
      stub.send({ data, ts: item.ts });
      state.transmitted += data.length;
      if (attributes.bytes - state.transmitted <= 0) return stub.close();
    }
  };
}
