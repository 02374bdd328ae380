import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a data directory knows of itself, written once when it is made (file `identity`):
 * - `incarnation`: random; the cluster records it at registration, so a node that comes back on
 *   another directory (it lost its disk) is told apart from the one that acknowledged writes;
 * - `joinedEmpty`: the directory was made for a node the cluster already knew (it lost its data):
 *   such a node never starts a group with the membership the group was created with, since it
 *   may have been a voter that acknowledged entries it no longer has. It starts every group it
 *   has no data for with no membership, and learns it from the group's leader once readmitted.
 */
export interface DataDirIdentity {
  readonly incarnation: string;
  readonly joinedEmpty: boolean;
}

const FILE = 'identity';

export function newIncarnation(): string {
  return randomBytes(8).toString('hex');
}

/** The directory's identity, or undefined if it has none yet (new, or made before identities existed). */
export async function readIdentity(dataDir: string): Promise<DataDirIdentity | undefined> {
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return undefined;
  const text = await readFile(file, 'utf8');
  const parsed = JSON.parse(text) as Partial<DataDirIdentity>;
  if (typeof parsed.incarnation !== 'string' || !/^[0-9a-f]{1,32}$/.test(parsed.incarnation) || typeof parsed.joinedEmpty !== 'boolean') {
    throw new Error(`${file} is damaged (${JSON.stringify(text.slice(0, 80))}); it should hold {"incarnation": hex, "joinedEmpty": boolean}`);
  }
  return { incarnation: parsed.incarnation, joinedEmpty: parsed.joinedEmpty };
}

/** Written through a temporary file and a rename: a crash leaves the old file or the new one. */
export async function writeIdentity(dataDir: string, identity: DataDirIdentity): Promise<void> {
  const file = join(dataDir, FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(identity)}\n`, { flush: true });
  await rename(`${file}.tmp`, file);
}

/** The directory's identity, made now (as a member of a new cluster, or one from before identities) if it has none. */
export async function ensureIdentity(dataDir: string, joinedEmpty: boolean): Promise<DataDirIdentity> {
  const known = await readIdentity(dataDir);
  if (known) return known;
  const identity = { incarnation: newIncarnation(), joinedEmpty };
  await writeIdentity(dataDir, identity);
  return identity;
}
