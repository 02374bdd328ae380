import { END, INTERRUPTED, type Pipe } from '../stub';

/** Milliseconds between the first data (or the end of the stream) and the reset. */
export interface ResetPeerAttributes {
  timeout: number;
}

export const RESET_PEER_FIELDS = ['timeout'] as const;

/**
 * Resets the connection (TCP RST to both the client and the upstream: "connection reset by
 * peer") `timeout` ms after the first data reaches the toxic, or after the stream ends; that data
 * is dropped. Once armed the reset happens even if the toxic is updated or removed meanwhile, as
 * in Toxiproxy, where that wait cannot be interrupted.
 */
export function resetPeerPipe(attributes: ResetPeerAttributes): Pipe {
  return async (stub) => {
    const item = await stub.take();
    if (item === INTERRUPTED) return;
    if (item !== END) stub.drop(item.data.length);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, attributes.timeout)));
    if (!stub.closed) stub.resetConnection();
  };
}
