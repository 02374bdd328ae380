/** Entry point of `flotilla toxiproxy` and `flotilla chaos` (bin/flotilla.js routes them here). */
import { runChaosCommand } from './lab/command';
import { runToxiproxyCommand } from './toxiproxy/command';

const stop = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First signal: the proxy closes; the lab stops its faults, heals and checks what it has.
    // Second: leave now.
    if (interrupted++ > 0) process.exit(130);
    stop.abort();
  });
}

const [command, ...argv] = process.argv.slice(2);
process.exitCode = command === 'chaos' ? await runChaosCommand(argv, process, stop.signal) : await runToxiproxyCommand(argv, process, stop.signal);
setTimeout(() => process.exit(), 200).unref();
