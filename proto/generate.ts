/**
 * `npm run proto:gen`: writes what is derived from the protos and the error table, so that none of
 * it is kept by hand:
 *   - proto/generated/: the TypeScript types of flotilla.proto and peer.proto, by proto-loader's
 *     own generator (proto-loader-gen-types) run with the options proto/load.ts loads with, so the
 *     types say what grpc-js really hands over;
 *   - the error table in the comment at the top of flotilla.proto, from proto/errors.ts.
 * Run it after editing a proto or the error table; proto/generated.test.ts and
 * proto/errors.test.ts fail until it has been run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from '@grpc/proto-loader';
import { withErrorTable } from './error-table';
import { FLOTILLA_PROTO_PATH, PEER_PROTO_PATH, PROTO_LOADER_OPTIONS } from './load';

/** The repository's root: the generator runs there, so the files name their protos as proto/x.proto. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const GENERATED_DIR = join(ROOT, 'proto', 'generated');

/** proto-loader-gen-types' flags for loader options: the same conversions, so the types match the runtime. */
export function generatorFlags(options: Options): string[] {
  const supported = new Set(['keepCase', 'longs', 'enums', 'bytes', 'defaults', 'arrays', 'objects', 'oneofs', 'json']);
  for (const key of Object.keys(options)) {
    if (!supported.has(key)) throw new Error(`proto loader option ${key} has no proto-loader-gen-types flag; the generated types would not match`);
  }
  const type = (value: unknown, allowed: readonly unknown[], what: string): string => {
    if (!allowed.includes(value)) throw new Error(`proto loader option ${what}=${String(value)}: the generator knows ${allowed.map((a) => (a as { name: string }).name).join(', ')}`);
    return (value as { name: string }).name;
  };
  const flags: string[] = [];
  for (const flag of ['keepCase', 'defaults', 'arrays', 'objects', 'oneofs', 'json'] as const) if (options[flag]) flags.push(`--${flag}`);
  if (options.longs !== undefined) flags.push(`--longs=${type(options.longs, [String, Number], 'longs')}`);
  if (options.enums !== undefined) flags.push(`--enums=${type(options.enums, [String], 'enums')}`);
  if (options.bytes !== undefined) flags.push(`--bytes=${type(options.bytes, [String, Array], 'bytes')}`);
  return flags.sort();
}

/** Runs the generator into `outDir` (created if need be). */
export function generateTypes(outDir: string): void {
  const bin = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  const protos = [FLOTILLA_PROTO_PATH, PEER_PROTO_PATH].map((p) => relative(ROOT, p));
  const args = [bin, ...generatorFlags(PROTO_LOADER_OPTIONS), '--grpcLib=@grpc/grpc-js', `--outDir=${outDir}`, ...protos];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`proto-loader-gen-types failed (exit ${run.status}): ${run.stderr || run.stdout}`);
}

function main(): void {
  const proto = readFileSync(FLOTILLA_PROTO_PATH, 'utf8');
  const updated = withErrorTable(proto, FLOTILLA_PROTO_PATH);
  if (updated !== proto) {
    writeFileSync(FLOTILLA_PROTO_PATH, updated);
    console.log(`wrote the error table in ${relative(ROOT, FLOTILLA_PROTO_PATH)}`);
  }
  // Into a fresh folder first, so that a failed run leaves the committed types alone and a
  // message or file the protos no longer have does not linger.
  const scratch = mkdtempSync(join(ROOT, 'proto', '.generated-'));
  try {
    generateTypes(scratch);
    rmSync(GENERATED_DIR, { recursive: true, force: true });
    renameSync(scratch, GENERATED_DIR);
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
  console.log(`wrote the proto types in ${relative(ROOT, GENERATED_DIR)}/`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
