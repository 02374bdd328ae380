import { END, INTERRUPTED, now, type Pipe } from '../stub';

/** `rate` in KB/s, where a KB is 1000 bytes (as Toxiproxy counts: rate bytes per millisecond). */
export interface BandwidthAttributes {
  rate: number;
}

export const BANDWIDTH_FIELDS = ['rate'] as const;

/**
 * Passes data at `rate` KB/s: a chunk of n bytes goes on n/rate ms after the previous one went (or
 * after it arrived, if the link was idle); a chunk larger than 100 ms' worth is split and sent in
 * 100 ms pieces. Times are absolute, so timer lateness does not add up over a long transfer
 * (Toxiproxy corrects its sleeps the same way). A rate of 0 or less passes data unlimited.
 */
export function bandwidthPipe(attributes: BandwidthAttributes): Pipe {
  const rate = attributes.rate;
  return async (stub) => {
    /** When the bytes sent so far were due; a late send lets the next chunk go sooner. */
    let due = 0;
    for (;;) {
      const item = await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END) return stub.close();
      if (rate <= 0) {
        stub.send(item);
        continue;
      }
      let data = item.data;
      let at = Math.max(due, now());
      const piece = rate * 100;
      while (data.length > piece) {
        at += 100;
        if (!(await stub.sleepUntil(at))) {
          stub.send({ data, ts: item.ts });
          return;
        }
        stub.send({ data: data.subarray(0, piece), ts: item.ts });
        data = data.subarray(piece);
      }
      at += data.length / rate;
      const elapsed = await stub.sleepUntil(at);
      stub.send({ data, ts: item.ts });
      if (!elapsed) return;
      due = at;
    }
  };
}
