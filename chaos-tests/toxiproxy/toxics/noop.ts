import { END, INTERRUPTED, type ToxicStub } from '../stub';

/**
 * Passes everything through untouched. Runs in a toxic's place on a connection that the toxic's
 * `toxicity` roll spared, as Toxiproxy's NoopToxic does.
 */
export async function noopPipe(stub: ToxicStub): Promise<void> {
  for (;;) {
    const item = await stub.take();
    if (item === INTERRUPTED) return;
    if (item === END) return stub.close();
    stub.send(item);
  }
}
