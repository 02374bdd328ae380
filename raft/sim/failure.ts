/** A safety or liveness violation found by the simulator, with the step it happened at. */
export class SimFailure extends Error {
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(`step ${step}: ${message}`);
    this.name = 'SimFailure';
  }
}
