import type { Entry } from '../../raft';
import type { GroupStateMachine } from './multi-raft';

/** A group state machine for tests: the data of every applied normal entry, as strings. */
export class AppliedValues implements GroupStateMachine {
  values: string[] = [];
  restore(): void {
    this.values = [];
  }
  apply(entries: readonly Entry[]): void {
    for (const e of entries) if (e.data.length > 0 && e.type === 0) this.values.push(Buffer.from(e.data).toString());
  }
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
