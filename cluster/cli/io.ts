import type { Readable } from 'node:stream';

/** Where a CLI command reads and writes; the process's streams in real use, buffers in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts on Ctrl-C / SIGTERM: long commands (consume --follow, start) stop cleanly. */
  signal: AbortSignal;
}

export function processIO(signal: AbortSignal): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal };
}
