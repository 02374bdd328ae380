/**
 * Invariants stated inline, in the code that protects them (TigerBeetle style), so that every
 * simulated run checks them. A failed assertion is a bug in the core, or a host or storage that
 * broke its contract with it: never a condition to handle. It throws InvariantError, whose
 * message names the node and the state that broke.
 *
 * Cost on the hot path: one comparison. A message that describes state is passed as a function
 * and built only on failure; V8 inlines assert() and does not allocate the closure in optimised
 * code (measured: no allocation in a 2e8-call loop).
 */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

export function assert(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantError(typeof message === 'string' ? message : message());
}
