import { END, INTERRUPTED, type Pipe } from '../stub';

/** Milliseconds the close is held back. */
export interface SlowCloseAttributes {
  delay: number;
}

export const SLOW_CLOSE_FIELDS = ['delay'] as const;

/**
 * Passes data through; when the stream ends, holds the close back for `delay` ms. Updated while
 * holding it, the new delay starts over, as in Toxiproxy.
 */
export function slowClosePipe(attributes: SlowCloseAttributes): Pipe {
  return async (stub) => {
    for (;;) {
      const item = await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END) {
        if (await stub.sleep(attributes.delay)) stub.close();
        return;
      }
      stub.send(item);
    }
  };
}
