import { Flotilla } from '../client';
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

/** Retries for the CLI: enough to ride out an election, short enough to report a dead cluster soon. */
export const CLI_RETRY = { retries: 8, initialBackoffMs: 50, maxBackoffMs: 1000 };

export function print(ctx: CommandContext, text: string): void {
  ctx.io.stdout.write(text);
}
