import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreOpenError } from '../../log-store';

/**
 * A data directory whose LevelDB files were found damaged is marked so, and the node refuses to
 * start on it again: the damage may sit in a table that opening does not read, so without the
 * mark the node would start, fail at its next write and crash in a loop, each time saying less.
 */
const MARK = 'DAMAGED';

export function markDamaged(dataDir: string, why: string): void {
  try {
    writeFileSync(join(dataDir, MARK), `${new Date().toISOString()} ${why}\n`);
  } catch {
    // The disk may be what failed: the exit message still says why.
  }
}

/** Throws StoreOpenError, with the recorded reason and what to do, if the directory was marked damaged. */
export function refuseIfDamaged(dataDir: string): void {
  const file = join(dataDir, MARK);
  if (!existsSync(file)) return;
  throw new StoreOpenError(
    `data directory ${dataDir} was found damaged (${readFileSync(file, 'utf8').trim()}): the node will not start on it. ` +
      `To recover, move the node's data directory away (keep it for inspection) and start the node again: on a new directory it rejoins empty and is resynced from the other replicas; remove ${file} only if the files were repaired.`,
  );
}
