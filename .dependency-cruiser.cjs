/**
 * The dependency rules of README.md's Layout table and docs/architecture.md, checked in `npm test`
 * by dependency-rules.test.ts (by hand: `npx depcruise --config .dependency-cruiser.cjs raft
 * log-store cluster proto chaos-tests bench bin`). Paths are relative to the repository root.
 * Type-only imports count: a layer that needs another's types depends on it.
 */

/** A folder whose inside is private: others import it through its face. Subfolders are inside. */
const FOLDER = '(raft|bytes|log-store|proto|chaos-tests|cluster/[^/]+)';
/** The faces: index.ts; proto/ has none, it holds the .proto files, load.ts (their loader and types) and errors.ts (the error table). */
const FACE = ['^(raft|bytes|log-store|chaos-tests|cluster/[^/]+)/index\\.ts$', '^proto/(load|errors)\\.ts$'];

// The narrow allowances: importers that may reach into another folder, and what they may reach.
/** The end-to-end tests read and damage a stopped node's LevelDB: they need its key layout and identity record. */
const E2E = '^cluster/e2e/';
const STORE_LAYOUT = '^log-store/(keys|codec)\\.ts$';
/** The CLI's tests run commands against the client library's fake broker. */
const CLI_TESTS = '^cluster/cli/[^/]+\\.test\\.ts$';
const FAKE_BROKER = '^cluster/client/test-broker\\.ts$';
/** bin/flotilla.js registers tsx's loader, then runs one of the two programs: their entry scripts. */
const LAUNCHER = '^bin/flotilla\\.js$';
const ENTRY_SCRIPTS = '^(cluster/cli/main|chaos-tests/cli)\\.ts$';

const ours = { dependencyTypes: ['local'] };

module.exports = {
  forbidden: [
    {
      name: 'raft-imports-nothing-of-ours',
      comment: 'raft/ is the pure Raft core: it depends on nothing of ours.',
      severity: 'error',
      from: { path: '^raft/' },
      to: { ...ours, pathNot: '^raft/' },
    },
    {
      name: 'bytes-imports-nothing-of-ours',
      comment: 'bytes/ (binary encoding helpers) is below every layer that writes bytes: it depends on nothing of ours.',
      severity: 'error',
      from: { path: '^bytes/' },
      to: { ...ours, pathNot: '^bytes/' },
    },
    {
      name: 'log-store-imports-only-raft',
      comment: "log-store/ depends only on raft's public face or its types, and on bytes/.",
      severity: 'error',
      from: { path: '^log-store/' },
      to: { ...ours, pathNot: ['^log-store/', '^raft/(index|types)\\.ts$', '^bytes/index\\.ts$'] },
    },
    {
      name: 'cluster-imports-raft-and-log-store-by-their-faces',
      comment: 'cluster/ depends on raft, bytes and log-store through their index.ts and on the gRPC APIs (proto/load.ts, proto/errors.ts); never on chaos-tests/, bench/ or bin/.',
      severity: 'error',
      from: { path: '^cluster/' },
      to: { ...ours, pathNot: ['^cluster/', '^(raft|bytes|log-store)/index\\.ts$', '^proto/(load|errors)\\.ts$', STORE_LAYOUT] },
    },
    {
      name: 'records-import-only-bytes',
      comment: 'cluster/records/ (the record batch codec) is shared by the client library and the partition: it depends on bytes/ alone, so a client never loads the server (log-store, LevelDB).',
      severity: 'error',
      from: { path: '^cluster/records/' },
      to: { ...ours, pathNot: ['^cluster/records/', '^bytes/index\\.ts$'] },
    },
    {
      name: 'only-the-e2e-tests-reach-the-store-layout',
      comment: 'log-store/keys.ts and codec.ts are for the end-to-end tests alone (they damage a stopped node\'s database).',
      severity: 'error',
      from: { path: '^cluster/', pathNot: E2E },
      to: { path: STORE_LAYOUT },
    },
    {
      name: 'chaos-tests-use-only-the-public-client-and-cli',
      comment: 'chaos-tests/ is a user of Flotilla: it imports only the public client and CLI.',
      severity: 'error',
      from: { path: '^chaos-tests/' },
      to: { ...ours, pathNot: ['^chaos-tests/', '^cluster/(client|cli)/index\\.ts$'] },
    },
    {
      name: 'folders-are-imported-through-their-face',
      comment: 'From outside a folder only its face is imported (index.ts; proto: load.ts); the rest is private to the folder.',
      severity: 'error',
      // log-store/ is left to its own rule above, which also lets it import raft's types.
      from: { path: `^${FOLDER}/`, pathNot: ['^log-store/', E2E, CLI_TESTS] },
      to: { ...ours, path: `^${FOLDER}/`, pathNot: ['^$1/', ...FACE] },
    },
    {
      name: 'e2e-tests-reach-only-the-store-layout',
      comment: 'The end-to-end tests import faces, and the store\'s key layout and identity record.',
      severity: 'error',
      from: { path: E2E },
      to: { ...ours, path: `^${FOLDER}/`, pathNot: ['^cluster/e2e/', ...FACE, STORE_LAYOUT] },
    },
    {
      name: 'cli-tests-reach-only-the-fake-broker',
      comment: "The CLI's tests import faces, and the client library's fake broker.",
      severity: 'error',
      from: { path: CLI_TESTS },
      to: { ...ours, path: `^${FOLDER}/`, pathNot: ['^cluster/cli/', ...FACE, FAKE_BROKER] },
    },
    {
      name: 'top-level-code-imports-folders-through-their-face',
      comment: 'bench/, bin/ and root files import the folders through their faces too.',
      severity: 'error',
      from: { pathNot: [`^${FOLDER}/`, LAUNCHER] },
      to: { ...ours, path: `^${FOLDER}/`, pathNot: FACE },
    },
    {
      name: 'the-launcher-runs-only-the-entry-scripts',
      comment: 'bin/flotilla.js imports faces, and the two entry scripts it runs.',
      severity: 'error',
      from: { path: LAUNCHER },
      to: { ...ours, path: `^${FOLDER}/`, pathNot: [...FACE, ENTRY_SCRIPTS] },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No folder imports itself through others: layers depend one way (cluster/node on cluster/transport, never back).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-cycles',
      comment: 'No module imports itself through others (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
