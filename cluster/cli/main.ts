/** The `flotilla` command: parses argv, runs the command, exits with its code. */
import { processIO } from './io';
import { runCli } from './run';

const stop = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First Ctrl-C: stop cleanly. Second: leave now.
    if (interrupted++ > 0) process.exit(130);
    stop.abort();
  });
}
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `flotilla consume ... | head`: the reader went away; that is a normal end.
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2), processIO(stop.signal));
// Open sockets or timers must not keep a finished command alive.
setTimeout(() => process.exit(), 200).unref();
