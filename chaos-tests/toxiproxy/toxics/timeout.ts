import { END, INTERRUPTED, now, TIMED_OUT, type Pipe, type ToxicStub } from '../stub';

/** Milliseconds; 0 never closes. */
export interface TimeoutAttributes {
  timeout: number;
}

export const TIMEOUT_FIELDS = ['timeout'] as const;

/**
 * Stops all data from getting through (it is dropped, as in Toxiproxy 2.x) and closes the
 * connection once `timeout` ms pass without data arriving (each chunk dropped starts the wait
 * over, as Toxiproxy's loop does); with a timeout of 0 the connection stays open, silent, until
 * the toxic is removed. Removing it closes the connections it was holding (its cleanup).
 */
export function timeoutPipe(attributes: TimeoutAttributes): Pipe {
  return async (stub) => {
    for (;;) {
      const item = attributes.timeout > 0 ? await stub.takeBefore(now() + attributes.timeout) : await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END || item === TIMED_OUT) return stub.close();
      stub.drop(item.data.length);
    }
  };
}

/** Run when the toxic is removed from a live connection: closes it. */
export function timeoutCleanup(stub: ToxicStub): void {
  stub.close();
}
