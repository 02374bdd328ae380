import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../../bytes';

/**
 * A cluster id every node of the same initial cluster derives alike: from the node ids only, as
 * nodes may know each other by different addresses (through proxies). FLOTILLA_CLUSTER_ID names
 * it explicitly. The store checks it on open, so a data folder is not opened by another cluster.
 */
export function clusterIdOf(peers: ReadonlyArray<{ id: number }>): string {
  const text = [...peers].map((p) => p.id).sort((a, b) => a - b).join(',');
  return `flotilla-${crc32c(new TextEncoder().encode(text)).toString(16).padStart(8, '0')}`;
}

/**
 * The cluster id of the data folder: the one written there at its first start, or else (a new
 * node) `explicit`, FLOTILLA_CLUSTER_ID or the one derived from the peers, written there now.
 */
export async function resolveClusterId(dataDir: string, explicit: string | undefined, peers: ReadonlyArray<{ id: number }>): Promise<string> {
  const file = join(dataDir, 'cluster-id');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const id = explicit ?? process.env.FLOTILLA_CLUSTER_ID ?? clusterIdOf(peers);
    await writeFile(file, `${id}\n`);
    return id;
  }
}
