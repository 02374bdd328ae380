import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CRASH_GROUPS, compactedAfter, crashPayload, snapshotData } from './crash-writer';
import { LogStore } from './log-store';

const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/** Run the writer until `afterMs` past its first synced batch, then SIGKILL it. Returns the batches it reported synced. */
function runAndKill(dir: string, afterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const synced: number[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) if (line.startsWith('synced ')) synced.push(Number(line.slice(7)));
      timer ??= setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${stderr}`));
      else resolve(synced);
    });
  });
}

describe('crash safety under kill -9', () => {
  it('every batch reported synced (appends, snapshots, compactions) survives SIGKILL at a random moment, and no batch is ever partly visible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-crash-'));
    let maxReported = 0;
    try {
      for (let round = 0; round < 30; round++) {
        const reported = await runAndKill(dir, 5 + Math.floor(Math.random() * 150));
        if (reported.length > 0) maxReported = Math.max(maxReported, reported[reported.length - 1]);
        const store = await LogStore.open(dir, { clusterId: 'crash', nodeId: 1 });
        try {
          const lasts = CRASH_GROUPS.map((g) => store.group(g)?.lastIndex() ?? 0);
          // All or nothing: every group ends at the same batch.
          expect(new Set(lasts).size, `groups end at different batches: ${lasts}`).toBe(1);
          const last = lasts[0];
          expect(last).toBeGreaterThanOrEqual(maxReported);
          const compacted = compactedAfter(last);
          for (const g of CRASH_GROUPS) {
            const s = store.group(g)!;
            expect(s.hardState.commit).toBe(last);
            // The compaction staged in a batch is there exactly when the batch is.
            expect(s.firstIndex()).toBe(compacted + 1);
            if (compacted > 0) expect(Buffer.from(s.latestSnapshot()!.data).equals(snapshotData(compacted))).toBe(true);
            const entries = await s.readEntries(compacted + 1, last + 1, Infinity);
            expect(entries.map((e) => e.index)).toEqual(Array.from({ length: last - compacted }, (_, i) => compacted + i + 1));
            for (const e of entries) expect(Buffer.from(e.data).equals(crashPayload(e.index, g))).toBe(true);
          }
        } finally {
          await store.close();
        }
      }
      expect(maxReported).toBeGreaterThan(30); // the writer really did work between kills
      expect(compactedAfter(maxReported)).toBeGreaterThan(0); // and compacted
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
