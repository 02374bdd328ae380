import { END, INTERRUPTED, type Pipe } from '../stub';

/** Bytes (`average_size` ± `size_variation`) and microseconds (`delay` after each slice). */
export interface SlicerAttributes {
  average_size: number;
  size_variation: number;
  delay: number;
}

export const SLICER_FIELDS = ['average_size', 'size_variation', 'delay'] as const;

/**
 * The slice boundaries of [start, end) as Toxiproxy's SlicerToxic.chunk computes them: a range
 * within the variation of the average size is one slice; a longer one is cut near its middle
 * (± the variation) and each half sliced again. Answers [start, end] pairs flattened.
 */
export function sliceOffsets(start: number, end: number, average: number, variation: number): number[] {
  // Guards Toxiproxy lacks: an average below 1 would recurse forever there.
  if (end - start <= 1 || end - start - Math.max(1, average) <= variation) return [start, end];
  const jiggle = variation > 0 ? Math.floor(Math.random() * variation * 2) - variation : 0;
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + jiggle));
  return [...sliceOffsets(start, mid, average, variation), ...sliceOffsets(mid, end, average, variation)];
}

/**
 * Cuts every chunk into slices of about `average_size` bytes and sends them one by one, waiting
 * `delay` µs after each. Interrupted, it sends the rest of the chunk at once.
 */
export function slicerPipe(attributes: SlicerAttributes): Pipe {
  return async (stub) => {
    for (;;) {
      const item = await stub.take();
      if (item === INTERRUPTED) return;
      if (item === END) return stub.close();
      const cuts = sliceOffsets(0, item.data.length, attributes.average_size, attributes.size_variation);
      for (let i = 1; i < cuts.length; i += 2) {
        stub.send({ data: item.data.subarray(cuts[i - 1], cuts[i]), ts: item.ts });
        if (attributes.delay > 0 && !(await stub.sleep(attributes.delay / 1000))) {
          stub.send({ data: item.data.subarray(cuts[i]), ts: item.ts });
          return;
        }
      }
    }
  };
}
