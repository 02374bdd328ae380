/** Longest an admin write waits for the metadata group, whatever the call's deadline. */
export const ADMIN_TIMEOUT_MS = 10_000;

/** Part of a call's remaining time kept back so that the node's own error reaches the client before its deadline does. */
const ANSWER_MARGIN_MS = 500;

/** When to give up on something for a call due at `callDeadline`: early enough to answer, and at most `capMs` from now. */
export function answerBy(callDeadline: number, capMs: number): number {
  const now = Date.now();
  const margin = Math.min(ANSWER_MARGIN_MS, Math.max(20, (callDeadline - now) * 0.2));
  return Math.min(callDeadline - margin, now + capMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
