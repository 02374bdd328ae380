import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules that README.md's Layout table and docs/architecture.md state are kept:
 * dependency-cruiser (it reads TypeScript with the compiler, resolves as tsconfig's Bundler
 * resolution does, and counts type-only imports) checks every import against
 * .dependency-cruiser.cjs, which says why each rule holds and lists the few allowances.
 */
const ROOT = fileURLToPath(new URL('.', import.meta.url));
const FOLDERS = ['raft', 'log-store', 'cluster', 'proto', 'chaos-tests', 'bench', 'bin', 'examples'];
const FIXTURE = fileURLToPath(new URL('./dependency-rules-fixture', import.meta.url));

async function rules(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(fileURLToPath(new URL('./.dependency-cruiser.cjs', import.meta.url)));
}

/** Every import that breaks a rule, one line each: the rule, the importer and what it imports (or the cycle). */
async function violations(folders: string[], options: ICruiseOptions, tsConfig?: string): Promise<string[]> {
  const { output } = await cruise(folders, options, undefined, tsConfig ? { tsConfig: extractTSConfig(tsConfig) } : undefined);
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => {
    const where = v.cycle && v.cycle.length > 0 ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`;
    return `${v.rule.name}: ${where}`;
  });
}

describe('dependency rules', () => {
  it('every import in the repository keeps the rules (layers one way, folders through their faces, no cycles)', async () => {
    const found = await violations(FOLDERS, { ...(await rules()), baseDir: ROOT }, `${ROOT}tsconfig.json`);
    expect(found, `these imports break the dependency rules (.dependency-cruiser.cjs says why each rule holds):\n${found.join('\n')}\n`).toEqual([]);
  });

  it('a layout that breaks each rule once fails, naming every offending import', async () => {
    const { tsConfig: _, ...options } = await rules();
    const found = await violations(['raft', 'log-store', 'cluster', 'proto', 'chaos-tests', 'bench'], { ...options, baseDir: FIXTURE });
    expect(found.sort()).toEqual(
      [
        'raft-imports-nothing-of-ours: raft/log.ts → proto/load.ts',
        'log-store-imports-only-raft: log-store/log-store.ts → raft/rng.ts',
        'records-import-only-bytes: cluster/records/index.ts → log-store/index.ts',
        'folders-are-imported-through-their-face: cluster/node/node.ts → cluster/transport/peers.ts',
        'chaos-tests-use-only-the-public-client-and-cli: chaos-tests/index.ts → cluster/node/index.ts',
        'top-level-code-imports-folders-through-their-face: bench/run.ts → raft/rng.ts',
        'no-cycles: cluster/node/index.ts → cluster/node/node.ts → cluster/transport/peers.ts → cluster/node/index.ts',
        'no-folder-cycles: cluster/node → cluster/transport → cluster/node',
        'no-folder-cycles: cluster/transport → cluster/node → cluster/transport',
      ].sort(),
    );
  });
});
