import type { Flotilla, FlotillaOptions } from '../client';
import type { CommandSpec, ParsedCommand } from './args';
import type { CliIO } from './io';

/** What a command handler gets. */
export interface CommandContext {
  command: CommandSpec;
  args: ParsedCommand;
  io: CliIO;
  /** A client for --brokers, created on first use and closed after the command. */
  client(): Flotilla;
}

/** A handler returns its exit code (0 when it returns nothing). */
export type Handler = (ctx: CommandContext) => Promise<number | void>;

/** Retries for the CLI: bounded by --timeout (every call gives up then), not by a count. */
export const CLI_RETRY = { retries: 1_000_000, initialBackoffMs: 50, maxBackoffMs: 1000 };

/**
 * The client a command uses: every call gives up at --timeout; one request gets at most a third
 * of it (10 s at most), so that a node that takes requests and never answers (paused, cut off)
 * leaves time to ask the others.
 */
export function clientOptions(args: ParsedCommand): FlotillaOptions {
  return {
    brokers: args.brokers,
    clientId: 'flotilla-cli',
    retry: CLI_RETRY,
    callTimeoutMs: args.timeoutMs,
    requestTimeoutMs: Math.min(10_000, Math.max(1000, Math.round(args.timeoutMs / 3))),
  };
}
