import { Readable } from 'node:stream';
import { runCli } from './run';

/** What one in-process CLI run printed, and its exit code. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one `flotilla` command in this process against `brokers`, capturing its output (tests,
 * embedding): stdin is `stdin`, stderr is not a terminal (no progress redraws).
 */
export async function runCliCaptured(argv: readonly string[], brokers: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([options.stdin ?? '']),
    env: { FLOTILLA_BROKERS: brokers.join(','), ...options.env },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
