/** The `flotilla` command-line interface, callable in-process (tests, embedding). */
export { runCli } from './run';
export type { CliIO } from './io';
export { devClusterLayout, type DevClusterOptions, type DevNode } from './dev-cluster';
export { isSettled } from './membership';
export { type CapturedRun, runCliCaptured } from './run-captured';
