/**
 * A recorded history of produce calls against a real cluster, and the checks an acknowledged
 * write must pass: every acknowledged record is in the log exactly once at the offset its ack
 * named, acknowledged records of a partition are in send order, a record reported as certainly
 * not written (outcomeUnknown false) is not in the log, and nothing is in the log twice or
 * without having been sent.
 */
import { expect } from 'vitest';
import type { FlotillaError, Producer } from '../client';

export interface Load {
  /** value -> where it was acknowledged */
  acked: Map<string, { partition: number; offset: number }>;
  /** value -> why its send failed */
  failed: Map<string, FlotillaError>;
  /** every value sent, in send order */
  sent: string[];
  stop(): Promise<void>;
}

/** Sends `${prefix}-${i}` continuously (up to `window` unacknowledged), recording every outcome. */
export function startLoad(
  producer: Producer,
  topic: string,
  prefix: string,
  pick: (i: number) => { key?: string; partition?: number },
  window = 200,
): Load {
  const acked = new Map<string, { partition: number; offset: number }>();
  const failed = new Map<string, FlotillaError>();
  const sent: string[] = [];
  const pending = new Set<Promise<void>>();
  let stopping = false;
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      const value = `${prefix}-${i}`;
      sent.push(value);
      const p = producer.send({ topic, value, ...pick(i) }).then(
        (m) => {
          acked.set(value, { partition: m.partition, offset: m.offset });
        },
        (e: FlotillaError) => {
          failed.set(value, e);
        },
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
      if (pending.size >= window) await Promise.race(pending);
      // Let timers and I/O run; back off while sends fail.
      if (i % 50 === 0 || failed.size > 0) await new Promise((r) => setTimeout(r, failed.size > 0 ? 5 : 0));
      if (failed.size > 20_000) break;
    }
  })();
  return {
    acked,
    failed,
    sent,
    async stop() {
      stopping = true;
      await loop;
      await Promise.allSettled([...pending]);
    },
  };
}

/** The checks on one partition's records (read from offset 0); returns the values in it. */
export function checkPartition(
  records: Array<{ offset: number; value: Buffer | null }>,
  partition: number,
  load: Load,
  sendIndex: (value: string) => number,
): string[] {
  expect(records.map((r) => r.offset)).toEqual(records.map((_, k) => k));
  const byOffset = new Map<number, string>();
  const seen = new Map<string, number>();
  const sentSet = new Set(load.sent);
  for (const r of records) {
    const v = String(r.value);
    expect(seen.has(v), `${v} appears twice: offsets ${seen.get(v)} and ${r.offset} of partition ${partition}`).toBe(false);
    seen.set(v, r.offset);
    byOffset.set(r.offset, v);
    expect(sentSet.has(v), `${v} at offset ${r.offset} was never sent`).toBe(true);
    const failure = load.failed.get(v);
    if (failure && !failure.outcomeUnknown) {
      expect.fail(`${v} is at offset ${r.offset} of partition ${partition} but its send failed as not written: ${failure.code} ${failure.message}`);
    }
  }
  let lastIndex = -1;
  const ackedInOffsetOrder = [...load.acked.entries()].filter(([, a]) => a.partition === partition).sort((a, b) => a[1].offset - b[1].offset);
  for (const [value, a] of ackedInOffsetOrder) {
    expect(byOffset.get(a.offset), `acknowledged ${value} at offset ${a.offset} of partition ${partition}`).toBe(value);
    const i = sendIndex(value);
    expect(i, `acknowledged records of partition ${partition} in send order (offset ${a.offset})`).toBeGreaterThan(lastIndex);
    lastIndex = i;
  }
  expect(ackedInOffsetOrder.length, `acknowledged records in partition ${partition}`).toBeGreaterThan(0);
  // Failed sends with an unknown outcome may be in the log, at most once: the duplicate check above.
  return [...seen.keys()];
}

/** How the failures of a load break down, for a test's log line. */
export function failureSummary(load: Load): string {
  const by = new Map<string, number>();
  for (const e of load.failed.values()) {
    const k = `${e.code}${e.outcomeUnknown ? ' (outcome unknown)' : ' (not written)'}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return [...by].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}
