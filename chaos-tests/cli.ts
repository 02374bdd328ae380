/** Entry point of `flotilla toxiproxy` (bin/flotilla.js routes it here): serves until SIGINT or SIGTERM. */
import { runToxiproxyCommand } from './toxiproxy/command';

const stop = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First signal: close the proxies and the API. Second: leave now.
    if (interrupted++ > 0) process.exit(130);
    stop.abort();
  });
}

process.exitCode = await runToxiproxyCommand(process.argv.slice(3), process, stop.signal);
setTimeout(() => process.exit(), 200).unref();
